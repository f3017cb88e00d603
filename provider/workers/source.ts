import { existsSync } from "node:fs";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * Where a worker thread's code comes from: a compiled module on disk (the npm package, a
 * checkout), or the code itself, when the package runs as the plugin's single executable, which
 * has no files beside it and carries each worker as an asset named `workers/<entry>.js`.
 */
export type WorkerSource = { kind: "file"; path: string } | { kind: "code"; entry: string; code: string };

/** The prefix of a worker's asset name in the single executable: `workers/cost/count-worker.js`. */
export const WORKER_ASSET_PREFIX = "workers/";

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string, encoding: "utf8"): string;
}

/**
 * The code of the worker `entry` (its path under `provider/` without `.js`, e.g.
 * `cost/count-worker`): the executable's asset when running as one, otherwise the first of
 * `candidates` (compiled files) that exists. Undefined when there is none: the caller then does
 * the work in its own thread.
 */
export function findWorker(entry: string, candidates: readonly string[]): WorkerSource | undefined {
  const embedded = embeddedWorker(entry);
  if (embedded !== undefined) return embedded;
  const path = candidates.find((candidate) => existsSync(candidate));
  return path === undefined ? undefined : { kind: "file", path };
}

/** Starts a worker from its source: a file by path, embedded code with `eval`. */
export function startWorker(source: WorkerSource, options: WorkerOptions): Worker {
  return source.kind === "file"
    ? new Worker(source.path, options)
    : new Worker(source.code, { ...options, eval: true });
}

/**
 * The worker's code inside the single executable. Every worker is built into it, so a missing one
 * is a broken build, said as such, never a quiet fall-back to one thread.
 */
function embeddedWorker(entry: string): WorkerSource | undefined {
  const sea = seaModule();
  if (sea === undefined || !sea.isSea()) return undefined;
  const asset = `${WORKER_ASSET_PREFIX}${entry}.js`;
  try {
    return { kind: "code", entry, code: sea.getAsset(asset, "utf8") };
  } catch (error) {
    throw new RangeError(
      `this executable carries no worker ${asset} (${(error as Error).message}); build the plugin archive again with \`npm run plugin:archive\``,
    );
  }
}

/** `node:sea`, from Node.js 20.12 on; undefined before. */
function seaModule(): SeaModule | undefined {
  try {
    return require("node:sea") as SeaModule;
  } catch {
    return undefined;
  }
}
