/**
 * A fast, well-mixed 32-bit hash of a byte range (FNV-1a, then the 32-bit finalizer of
 * MurmurHash3). It decides where content-defined boundaries fall, so it must be the same on every
 * machine and in every release: changing it moves every boundary and replaces every batch.
 */
export function hashBytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let h = 0x811c9dc5;
  for (let i = start; i < end; i++) {
    h ^= bytes[i] as number;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash of a string's UTF-8 bytes. */
export function hashText(text: string): number {
  return hashBytes(Buffer.from(text, "utf8"));
}
