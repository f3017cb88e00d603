import type { FileRecord } from "../store/records";
import { ApiError } from "./api-error";

/** How many batch files a resource keeps: without an expiry, and in all when they carry one (Azure). */
export interface FileBound {
  withoutExpiry: number;
  withExpiry: number;
}

/** The purposes whose files count: batch input files and the output and error files of batches. */
const COUNTED = new Set(["batch", "batch_output"]);

/**
 * The error that refuses one more batch file (`expires`: whether it carries an expiry) on a
 * resource that holds `files`, or undefined when it fits: at most `withoutExpiry` files without an
 * expiry, and `withExpiry` in all. Expired files do not count. Azure documents the bound, not its
 * error, so the code and message are the emulator's own.
 */
export function fileBoundError(
  files: Iterable<FileRecord>,
  nowMs: number,
  expires: boolean,
  bound: FileBound,
): ApiError | undefined {
  let all = 0;
  let withoutExpiry = 0;
  for (const file of files) {
    if (!COUNTED.has(file.purpose) || (file.expiresMs !== undefined && file.expiresMs <= nowMs)) continue;
    all += 1;
    if (file.expiresMs === undefined) withoutExpiry += 1;
  }
  const full = all >= bound.withExpiry || (!expires && withoutExpiry >= bound.withoutExpiry);
  if (!full) return undefined;
  return new ApiError(
    400,
    `The resource already keeps ${all} batch files (${withoutExpiry} without an expiry). It may keep at most ${bound.withoutExpiry} batch files without an expiry, and ${bound.withExpiry} in all when they carry expires_after. Delete the batch files it no longer needs, or upload files with expires_after.`,
    { code: "too_many_files", param: expires ? null : "expires_after" },
  );
}
