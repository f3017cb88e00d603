/**
 * Runs one section of the benchmark in a process of its own, so that sections never share memory,
 * module state (Pulumi's runtime settings) or child processes. Usage:
 *   node section-child.js <section id> <options as JSON>
 */
import { performance } from "node:perf_hooks";
import { serveInChild } from "./lib/child";
import type { SectionId, SectionOptions, SectionResult } from "./report/types";

type SectionRunner = (options: SectionOptions) => Promise<Omit<SectionResult, "durationMs">>;

/** Each section's module is loaded only in its own process. */
function runnerOf(id: SectionId): SectionRunner {
  switch (id) {
    case "validate":
      return (require("./sections/validate") as typeof import("./sections/validate")).runValidateSection;
    case "upload":
      return (require("./sections/upload") as typeof import("./sections/upload")).runUploadSection;
    case "overhead":
      return (require("./sections/overhead") as typeof import("./sections/overhead")).runOverheadSection;
    case "wait":
      return (require("./sections/wait") as typeof import("./sections/wait")).runWaitSection;
    case "stack":
      return (require("./sections/stack") as typeof import("./sections/stack")).runStackSection;
    case "cost":
      return (require("./sections/cost") as typeof import("./sections/cost")).runCostSection;
    case "results":
      return (require("./sections/results") as typeof import("./sections/results")).runResultsSection;
    case "split":
      return (require("./sections/split") as typeof import("./sections/split")).runSplitSection;
    case "plugin":
      return (require("./sections/plugin") as typeof import("./sections/plugin")).runPluginSection;
    case "tokens":
      return (require("./sections/tokens") as typeof import("./sections/tokens")).runTokensSection;
    case "set":
      return (require("./sections/set-scale") as typeof import("./sections/set-scale")).runSetScaleSection;
  }
}

if (require.main === module) {
  const [id, optionsJson] = process.argv.slice(2) as [SectionId, string];
  serveInChild<SectionResult>(async () => {
    const started = performance.now();
    const result = await runnerOf(id)(JSON.parse(optionsJson) as SectionOptions);
    return { ...result, durationMs: performance.now() - started };
  });
}
