import { LIMITS } from "../limits";
import { type EmulatorProfile, OPENAI_EMULATION } from "../profiles";
import { fileTooLarge, integerOutOfRange, invalidType, invalidValue, missingParameter } from "./errors";
import { expiryPolicy, oneOf, rejectUnknown, requiredString } from "./params";

export interface CreateUploadParams {
  filename: string;
  purpose: string;
  bytes: number;
  mimeType: string;
  expiresAfterSeconds: number | undefined;
}

/** Checks the body of POST /v1/uploads. */
export function parseCreateUpload(
  body: Record<string, unknown>,
  profile: EmulatorProfile = OPENAI_EMULATION,
): CreateUploadParams {
  rejectUnknown(body, ["filename", "purpose", "bytes", "mime_type", "expires_after"]);
  const filename = requiredString(body, "filename");
  const purpose = oneOf(requiredString(body, "purpose"), "purpose", profile.uploadPurposes);
  if (body.bytes === undefined || body.bytes === null) throw missingParameter("bytes");
  if (typeof body.bytes !== "number" || !Number.isInteger(body.bytes))
    throw invalidType("bytes", "an integer", body.bytes);
  if (body.bytes < 0 || body.bytes > LIMITS.maxUploadBytes)
    throw integerOutOfRange("bytes", body.bytes, 0, LIMITS.maxUploadBytes);
  const mimeType = requiredString(body, "mime_type");
  checkBatchFile(purpose, filename, body.bytes, profile);
  return {
    filename,
    purpose,
    bytes: body.bytes,
    mimeType,
    expiresAfterSeconds: parseFileExpiry(body.expires_after),
  };
}

export function parseFileExpiry(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value))
    throw invalidType("expires_after", "an object", value);
  const policy = value as Record<string, unknown>;
  return expiryPolicy(
    policy.anchor,
    policy.seconds,
    "expires_after",
    LIMITS.minExpirySeconds,
    LIMITS.maxExpirySeconds,
  );
}

/** A file for the Batch API must be a .jsonl file within the profile's size (OpenAI: 200 MB). */
export function checkBatchFile(
  purpose: string,
  filename: string,
  bytes: number,
  profile: EmulatorProfile = OPENAI_EMULATION,
): void {
  if (purpose !== profile.batchFilePurpose) return;
  const most = profile.maxBatchFileBytes;
  if (bytes > most) {
    throw fileTooLarge(
      `File is too large: ${bytes} bytes. Files for the Batch API can be at most ${most} bytes (${most / (1024 * 1024)} MB).`,
    );
  }
  if (!filename.toLowerCase().endsWith(".jsonl")) {
    throw invalidValue("file", `Invalid file format for Batch API. Must be .jsonl (got '${filename}').`);
  }
}

export interface CompleteUploadParams {
  partIds: string[];
  md5: string | undefined;
}

export function parseCompleteUpload(body: Record<string, unknown>): CompleteUploadParams {
  rejectUnknown(body, ["part_ids", "md5"]);
  const partIds = body.part_ids;
  if (partIds === undefined || partIds === null) throw missingParameter("part_ids");
  if (!Array.isArray(partIds) || partIds.some((id) => typeof id !== "string")) {
    throw invalidType("part_ids", "an array of strings", partIds);
  }
  const md5 = body.md5;
  if (md5 !== undefined && md5 !== null && typeof md5 !== "string") throw invalidType("md5", "a string", md5);
  return { partIds: partIds as string[], md5: typeof md5 === "string" && md5 !== "" ? md5 : undefined };
}
