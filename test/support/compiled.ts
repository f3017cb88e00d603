import { test } from "vitest";

/**
 * `npm run mutation` sets this (vitest.mutation.config.mts): the tests run against mutated
 * sources in a copy of the repository that has no `dist/`.
 */
export const UNDER_MUTATION = process.env.PULUMI_OPENAI_BATCH_MUTATION === "1";

/**
 * `test` for a test that runs the compiled package (`dist/`) in a process of its own. The
 * mutation run leaves it out: the compiled code is not the mutated code, so the test could not
 * tell a mutant apart. Everywhere else it runs, and fails when `dist/` is missing.
 */
export function testCompiled(name: string, body: () => unknown, timeoutMs?: number): void {
  test.skipIf(UNDER_MUTATION)(name, body, timeoutMs);
}
