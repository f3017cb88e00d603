/**
 * A vitest reporter that ends every run with the number of skipped tests, per layer (the folder
 * under test/), so that a run left green by skipping says so in its last lines.
 */
// vitest/node has ES module types only; this CommonJS project names the resolution mode to load them.
type Reporter = import("vitest/node", { with: { "resolution-mode": "import" }}).Reporter;
type TestModule = import("vitest/node", { with: { "resolution-mode": "import" }}).TestModule;

function layerOf(module: TestModule): string {
  const match = /(?:^|[\\/])test[\\/]([^\\/]+)[\\/]/.exec(module.moduleId);
  return match?.[1] ?? module.moduleId;
}

export default class SkipSummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const skipped = new Map<string, number>();
    let total = 0;
    for (const module of modules) {
      for (const test of module.children.allTests()) {
        if (test.result().state !== "skipped") continue;
        total++;
        skipped.set(layerOf(module), (skipped.get(layerOf(module)) ?? 0) + 1);
      }
    }
    const parts = [...skipped].sort(([a], [b]) => a.localeCompare(b)).map(([layer, n]) => `${layer} ${n}`);
    const why = process.env.SKIP_E2E === "1" ? " (SKIP_E2E=1: the end-to-end layer was left out)" : "";
    console.log(`\nSkipped tests: ${total}${parts.length > 0 ? ` (${parts.join(", ")})` : ""}${why}`);
  }
}
