import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 30_000,
    // The default report, then one line with the number of skipped tests per layer.
    reporters: ["default", "./test/support/skip-summary-reporter.ts"],
    hookTimeout: 60_000,
    server: {
      deps: {
        // The compiled package is loaded by Node itself, exactly as Pulumi and users load it,
        // so that closure serialization sees real functions rather than transformed ones.
        external: [/\/dist\//],
      },
    },
  },
});
