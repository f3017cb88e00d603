/**
 * The `openai-batch` provider plugin on the real engine: where its executable lies, the
 * environment that lets the engine find it (the repository's `bin/` first on PATH), and a program
 * that uses it without any language host (an inline Automation API program in this process).
 */
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { fixturesDir } from "./batches";
import { repoRoot, requireEngine } from "./engine";

const nativeRequire = createRequire(__filename);

/** The directory holding `pulumi-resource-openai-batch` (it runs the build in dist/). */
export const pluginBinDir: string = join(repoRoot, "bin");

/** PATH for the engine: the plugin, then the engine's own directories, then the rest. */
export function pathWithPlugin(): string {
  return [pluginBinDir, ...requireEngine().pathDirs, process.env.PATH ?? ""].join(delimiter);
}

interface PluginProgramModule {
  pluginBatchProgram(): PulumiFn;
}

/** One plugin Batch, its arguments from the config object `batch` over two inline requests. */
export function pluginBatchProgram(): PulumiFn {
  return (
    nativeRequire(join(fixturesDir, "plugin-batch-program.cjs")) as PluginProgramModule
  ).pluginBatchProgram();
}
