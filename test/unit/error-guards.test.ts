/**
 * The `isX` guards work across two copies of the package: each error made by one copy is
 * recognised by the other copy's guard (where `instanceof` fails), and only by the right guard.
 * The two copies are the compiled errors module (and the display module it uses), as
 * `npm run build` leaves them, copied twice.
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import type * as Errors from "../../provider/errors";
import { REPO_ROOT } from "../support/repo";

const COMPILED = join(REPO_ROOT, "dist", "provider", "errors");
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function loadCopy(): typeof Errors {
  if (!existsSync(join(COMPILED, "index.js"))) {
    throw new RangeError(`${COMPILED} is missing: run \`npm run build\` before this suite.`);
  }
  const dir = mkdtempSync(join(tmpdir(), "errors-copy-"));
  dirs.push(dir);
  cpSync(COMPILED, join(dir, "errors"), { recursive: true });
  // The errors module shows the server's text through the display module beside it.
  cpSync(join(COMPILED, "..", "display"), join(dir, "display"), { recursive: true });
  return createRequire(join(dir, "errors", "index.js"))("./index.js") as typeof Errors;
}

const one = loadCopy();
const other = loadCopy();

function errorsOf(copy: typeof Errors) {
  return {
    input: new copy.BatchInputError([{ property: "endpoint", reason: "is required" }]),
    api: new copy.BatchApiError({ operation: "create the batch", status: 400, apiMessage: "bad" }),
    wait: new copy.BatchWaitError(
      "batch_1",
      { status: "failed" } as Errors.BatchWaitError["properties"],
      "failed",
    ),
  };
}

describe("isX guards across two copies of the package", () => {
  test("the copies are distinct: instanceof fails across them", () => {
    expect(one.BatchInputError).not.toBe(other.BatchInputError);
    expect(errorsOf(one).input instanceof other.BatchInputError).toBe(false);
  });

  test.each([
    ["one copy's errors, the other copy's guards", one, other],
    ["the other copy's errors, the first copy's guards", other, one],
  ])("%s: each guard knows its own kind and no other", (_name, maker, guard) => {
    const { input, api, wait } = errorsOf(maker);
    const table = [input, api, wait].map((error) => [
      guard.isBatchInputError(error),
      guard.isBatchApiError(error),
      guard.isBatchWaitError(error),
    ]);
    expect(table).toEqual([
      [true, false, false],
      [false, true, false],
      [false, false, true],
    ]);
  });

  test.each([undefined, null, "BatchInputError", new Error("plain"), { name: "BatchApiError" }])(
    "%j is no error of this package",
    (value) => {
      expect([one.isBatchInputError(value), one.isBatchApiError(value), one.isBatchWaitError(value)]).toEqual(
        [false, false, false],
      );
    },
  );
});
