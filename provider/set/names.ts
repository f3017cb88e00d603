import { createHash } from "node:crypto";

/** The longest part of a child's name taken from the custom_id. */
export const NAME_ID_MAX = 48;

/** What a child's name keeps of a custom_id as it is: letters, digits, `.`, `_` and `-`. */
const KEPT = /^[A-Za-z0-9._-]+$/;
const NOT_KEPT = /[^A-Za-z0-9._-]+/g;

/**
 * The name of a shard's `Batch`: the set's name and the shard's first custom_id, so that a person
 * knows which requests a child runs (`docs-ticket-0001`). It comes from the content, never from the
 * shard's position: an insertion before a shard renames nothing, and an edit inside the shard
 * replaces the batch under the same name.
 *
 * A custom_id that a name cannot hold as it is (other characters, or longer than `NAME_ID_MAX`) is
 * cut and its other characters become `_`; then 8 hex digits of its sha256 follow, so that two
 * custom_ids that read alike still give two names (`docs-ticket_42_a-1f0c9e2b`). A custom_id kept
 * as it is has no suffix, and two distinct ones always give two names.
 */
export function childName(setName: string, firstCustomId: string): string {
  if (KEPT.test(firstCustomId) && firstCustomId.length <= NAME_ID_MAX) {
    return `${setName}-${firstCustomId}`;
  }
  const readable = firstCustomId.replace(NOT_KEPT, "_").slice(0, NAME_ID_MAX);
  return `${setName}-${readable}-${sha256Hex(firstCustomId).slice(0, 8)}`;
}

/**
 * The name that releases up to 0.1.0 gave the same child: the set's name and 12 hex digits of the
 * custom_id's sha256. Each child carries it as an alias, so that a stack made by such a release
 * keeps its batches when the names change.
 */
export function hashedChildName(setName: string, firstCustomId: string): string {
  return `${setName}-${sha256Hex(firstCustomId).slice(0, 12)}`;
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
