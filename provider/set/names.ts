import { createHash } from "node:crypto";

/**
 * The name of a shard's `Batch`: the set's name and a hash of the shard's first custom_id. It
 * comes from the content, so it stays the same when other shards change, and an edit inside the
 * shard replaces the batch under the same name.
 */
export function childName(setName: string, firstCustomId: string): string {
  return `${setName}-${createHash("sha256").update(firstCustomId).digest("hex").slice(0, 12)}`;
}
