import { randomUUID } from "node:crypto";
import { isBatchApiError } from "../errors";

/**
 * The in-flight marker rule: how a create tells a batch that an interrupted create made (adopt it,
 * whatever its status) from one that a create which returned made (a deliberate re-run: make a
 * new batch). The create token cannot tell them apart: `pulumi up --replace`, a change of input
 * and back, the replacement of a batch that failed on a full queue, and `destroy` then `up` all
 * create again under the same token, and nothing the engine sends says which it is.
 *
 * So every create uploads a small marker file, named after its create token, before it creates
 * the batch, and deletes it when it hands its outcome to the engine: a batch (also inside an error
 * that records its id), or no batch at all. Only a create that never returned (a killed
 * `pulumi up`), or whose outcome is unknown (the `pending:` placeholder), leaves its marker. A
 * create that finds a batch carrying its token therefore adopts the newest such batch when it also
 * finds the marker of another create of that token, and makes a new batch when there is none.
 */

/** The end of a marker's name; an input upload's name never ends so (see own-uploads.ts). */
const MARKER_SUFFIX = ".marker.jsonl";

/**
 * The name of a marker: the create token, and a part of this create's own so that the look-up
 * after a failed upload finds only its file: `in-flight.<token>.<12 hex>.marker.jsonl`.
 */
export function markerFilename(token: string): string {
  return `in-flight.${token}.${randomUUID().replaceAll("-", "").slice(0, 12)}${MARKER_SUFFIX}`;
}

/** Whether `filename` is the marker of a create of the resource whose create token is `token`. */
export function isMarkerOf(filename: string, token: string): boolean {
  const prefix = `in-flight.${token}.`;
  if (!filename.startsWith(prefix) || !filename.endsWith(MARKER_SUFFIX)) return false;
  return /^[0-9a-f]{12}$/.test(filename.slice(prefix.length, -MARKER_SUFFIX.length));
}

/**
 * A marker's content: one line shaped as a batch request, so that the Files API takes the file
 * with purpose `batch`. No batch ever reads it.
 */
export const MARKER_CONTENT = `${JSON.stringify({
  custom_id: "pulumi-openai-batch-in-flight-marker",
  method: "POST",
  url: "/v1/chat/completions",
  body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "in-flight marker" }] },
})}\n`;

export interface TokenBatch {
  id: string;
  created_at: number;
}

export interface ListedFile {
  id: string;
  filename: string;
}

/** What a create takes over from the interrupted create it adopts. */
export interface InterruptedCreate<B extends TokenBatch> {
  /** The batch to adopt: the newest that carries the token. */
  batch: B;
  /** The markers left by the interrupted creates, deleted once this create returns. */
  markers: string[];
}

/**
 * The batch a create adopts, given `batches` (those carrying its create token) and `files` (the
 * files of purpose `batch`): the newest batch, when a marker of the token that is not one of
 * `ours` (this create's own, and those it has already taken over) exists. Undefined when no batch
 * carries the token, or when no other create's marker is left: every earlier create of the token
 * returned, so this create is a deliberate re-run and makes a new batch.
 */
export function interruptedCreate<B extends TokenBatch>(
  token: string,
  batches: readonly B[],
  files: readonly ListedFile[],
  ours: ReadonlySet<string>,
): InterruptedCreate<B> | undefined {
  const markers = files.filter((file) => isMarkerOf(file.filename, token) && !ours.has(file.id));
  let newest: B | undefined;
  for (const batch of batches) {
    if (newest === undefined || batch.created_at > newest.created_at) newest = batch;
  }
  if (newest === undefined || markers.length === 0) return undefined;
  return { batch: newest, markers: markers.map((file) => file.id) };
}

/**
 * Whether a create that ended with `error` keeps its marker: only when the error records the
 * resource under the placeholder of an unknown outcome (a batch may exist that nobody recorded).
 * A create that succeeded, failed with the batch's id recorded, or made no batch deletes it.
 */
export function keepsMarker(error: unknown): boolean {
  return isBatchApiError(error) && error.id !== undefined;
}
