import { defineConfig } from "vitest/config";

// The tests `npm run mutation` (Stryker) runs against mutated sources: only the unit and provider
// layers, which load the sources themselves. The other layers start the compiled package or the
// Pulumi engine, which would see unmutated code (and take minutes per mutant); they never run here.
// scripts/mutation.mjs narrows this further to the files that cover each folder.
export default defineConfig({
  test: {
    include: ["test/unit/**/*.test.ts", "test/provider/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests that run the compiled package in a process of their own skip themselves (test/support/compiled.ts).
    env: { PULUMI_OPENAI_BATCH_MUTATION: "1" },
  },
});
