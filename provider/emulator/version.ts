import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * The version of the package the emulator ships in, from the nearest package.json above this file
 * that is that package's (the same code runs from the sources and from dist/).
 */
export function emulatorVersion(start: string = __dirname): string {
  for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown; version?: unknown };
      if (parsed.name === "pulumi-openai-batch" && typeof parsed.version === "string") {
        return parsed.version;
      }
    }
  }
  return "unknown";
}
