import { createHash, randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(bytes: Uint8Array, length: number): string {
  let out = "";
  for (let i = 0; out.length < length; i++) {
    out += ALPHABET[(bytes[i % bytes.length] ?? 0) % 62];
  }
  return out;
}

function randomBase62(length: number): string {
  return base62(randomBytes(length), length);
}

/** Identifiers shaped like the real ones. */
export const newId = {
  file: (): string => `file-${randomBase62(22)}`,
  batch: (): string => `batch_${randomBytes(16).toString("hex")}`,
  upload: (): string => `upload_${randomBase62(24)}`,
  part: (): string => `part_${randomBase62(24)}`,
  requestId: (): string => `req_${randomBytes(16).toString("hex")}`,
  apiKey: (): string => `sk-emulator-${randomBytes(24).toString("hex")}`,
};

/** A hex digest of the parts, for identifiers and values that must repeat exactly. */
export function digest(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const part of parts) {
    hash.update(part);
    hash.update("\u0000");
  }
  return hash.digest("hex");
}

/** A deterministic identifier: the prefix and `length` base62 characters drawn from the parts. */
export function derivedId(prefix: string, length: number, ...parts: string[]): string {
  return prefix + base62(Buffer.from(digest(...parts), "hex"), length);
}
