import { randomUUID } from "node:crypto";
import { isMarkerOf } from "../policy/in-flight";
import type { RuntimeDeps } from "./deps";
import type { OpenAIBatchApi } from "./openai-api";

/** Batches that may still read an upload are looked for among those of the last 25 hours. */
const LOOKBACK_SECONDS = 25 * 3600;

/**
 * The name of one upload: the input's own name, the create token of the resource it is for, and a
 * part of this attempt's own, so that the look-up after a failed upload finds only its file, and
 * every upload of a resource can be found again by its token:
 * `requests.0123456789abcdef0123456789abcdef.a1b2c3d4e5f6.jsonl`.
 */
export function uploadFilename(stem: string, token: string): string {
  return `${stem}.${token}.${randomUUID().replaceAll("-", "").slice(0, 12)}.jsonl`;
}

/** Whether `filename` is an upload made for the resource whose create token is `token`. */
export function isUploadOf(filename: string, token: string): boolean {
  const suffix = filename.slice(-(token.length + 20));
  return suffix.startsWith(`.${token}.`) && /^\.[0-9a-f]{12}\.jsonl$/.test(suffix.slice(token.length + 1));
}

export interface OwnUploadsOptions {
  /** Files that must stay whatever else holds. */
  keep?: ReadonlySet<string>;
  /** Batches that no longer need their input file (the ones being deleted). */
  release?: ReadonlySet<string>;
  /**
   * Also delete the in-flight markers of the token (see in-flight.ts): only for a delete, when no
   * create of the resource can still be running. A create's own clean-up leaves them alone.
   */
  markers?: boolean;
}

/**
 * Deletes the uploads made for the resource whose create token is `token` that no batch of that
 * resource still uses: the leftovers of attempts whose outcome was unknown, or whose clean-up
 * failed. A file stays when it is in `keep`, or when a batch carrying the token reads it, unless
 * that batch is in `release`. With `markers`, the in-flight markers of the token go too. Returns
 * the ids deleted. Costs one listing of the files when there is nothing to delete.
 */
export async function removeOwnUploads(
  api: OpenAIBatchApi,
  token: string,
  options: OwnUploadsOptions,
  deps: RuntimeDeps,
): Promise<string[]> {
  const keep = new Set(options.keep ?? []);
  const files = await api.listBatchFiles();
  const markers = options.markers === true ? files.filter((file) => isMarkerOf(file.filename, token)) : [];
  for (const file of markers) {
    await api.deleteFile(file.id);
    deps.log.info(
      `deleted ${file.filename} (${file.id}), the in-flight marker of a create that did not return`,
    );
  }
  const candidates = files.filter((file) => isUploadOf(file.filename, token) && !keep.has(file.id));
  if (candidates.length === 0) {
    return markers.map((file) => file.id);
  }
  const since = Math.floor(deps.now() / 1000) - LOOKBACK_SECONDS;
  for (const batch of await api.listBatchesByToken(token, since)) {
    if (!options.release?.has(batch.id)) {
      keep.add(batch.input_file_id);
    }
  }
  const orphans = candidates.filter((file) => !keep.has(file.id));
  for (const file of orphans) {
    await api.deleteFile(file.id);
    deps.log.info(`deleted ${file.filename} (${file.id}), an upload no batch uses`);
  }
  return [...markers, ...orphans].map((file) => file.id);
}

/** `removeOwnUploads` for a step that has already succeeded: a failure is logged, not thrown. */
export async function removeOwnUploadsQuietly(
  api: OpenAIBatchApi,
  token: string,
  options: OwnUploadsOptions,
  deps: RuntimeDeps,
): Promise<void> {
  try {
    await removeOwnUploads(api, token, options, deps);
  } catch (error) {
    deps.log.warn(`could not clean up earlier uploads: ${(error as Error).message}`);
  }
}
