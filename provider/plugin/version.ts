import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

const PACKAGE = "pulumi-openai-batch";

/**
 * The version, written in by the build of the plugin's single executable (esbuild's `define`),
 * which has no package.json to read. Elsewhere the name is not defined at all.
 */
declare const PULUMI_OPENAI_BATCH_BUNDLED_VERSION: string | undefined;

/**
 * The version of this package, from its package.json (the nearest one above this file that is
 * this package's, so that it works from the sources and from the build alike). The plugin reports
 * it to the engine and the schema carries it.
 */
export function packageVersion(start: string = __dirname): string {
  if (typeof PULUMI_OPENAI_BATCH_BUNDLED_VERSION === "string") return PULUMI_OPENAI_BATCH_BUNDLED_VERSION;
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (!existsSync(manifest)) continue;
    const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown; version?: unknown };
    if (parsed.name === PACKAGE && typeof parsed.version === "string") return parsed.version;
  }
  throw new RangeError(`no package.json of ${PACKAGE} above ${start}; reinstall the package`);
}
