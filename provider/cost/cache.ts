import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { TokenTally } from "./tally";

/** The project's folder for what this package keeps between runs; it ignores itself in git. */
export const PROJECT_STATE_FOLDER = ".pulumi-openai-batch";

/** Where token tallies are kept, under the Pulumi project's directory. */
export function tallyCacheDir(projectDir: string): string {
  return join(projectDir, PROJECT_STATE_FOLDER, "cache");
}

/**
 * What a cached tally depends on besides the input's bytes: the counting rules of this package
 * and the tokenizer's version. A change of either counts again.
 */
const COUNTING_VERSION = `2-gpt-tokenizer-${(require("gpt-tokenizer/package.json") as { version: string }).version}`;

function entryPath(dir: string, sha256: string, endpoint: string): string {
  const endpointSlug = endpoint.replace(/^\/v1\//, "").replace(/[^a-z0-9]+/gi, "-");
  return join(dir, `tokens-${sha256}-${endpointSlug}-${COUNTING_VERSION}.json`);
}

/** The cached tally of an input, or undefined when there is none (or it cannot be read). */
export async function readCachedTally(
  dir: string,
  sha256: string,
  endpoint: string,
): Promise<TokenTally | undefined> {
  try {
    const parsed = JSON.parse(
      await readFile(entryPath(dir, sha256, endpoint), "utf8"),
    ) as Partial<TokenTally>;
    const numbers = [
      parsed.requests,
      parsed.inputTokens,
      parsed.maxOutputTokens,
      parsed.unboundedRequests,
      parsed.uncountedParts,
      parsed.invalidLines,
      parsed.refusedRequests,
    ];
    return numbers.every((n) => typeof n === "number" && Number.isFinite(n))
      ? (parsed as TokenTally)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Keeps a tally for the next run. The file is written whole and then renamed, so a reader never
 * sees half of it. A cache that cannot be written is passed over: it only saves time.
 */
export async function writeCachedTally(
  dir: string,
  sha256: string,
  endpoint: string,
  tally: TokenTally,
): Promise<boolean> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "..", ".gitignore"), "# Caches of pulumi-openai-batch; safe to delete.\n*\n", {
      flag: "wx",
    }).catch(() => undefined);
    const target = entryPath(dir, sha256, endpoint);
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify(tally));
    await rename(temporary, target);
    return true;
  } catch {
    return false;
  }
}
