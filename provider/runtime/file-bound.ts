import type { BackendProfile } from "../backends";
import { type BatchApiError, isBatchApiError } from "../errors";

/**
 * Whether an upload's refusal reads as the backend's bound on the batch files it keeps. Azure
 * documents the bound but not the error it answers, so the refusal is recognised by its status
 * and by what its message speaks of: a count of files, not the size of one.
 */
function overFileBound(error: BatchApiError): boolean {
  if (error.status !== 400) return false;
  if (error.code === "too_many_files") return true;
  return /too many files|number of (batch )?files|file (count|limit)|\d[\d,]*\s+(batch\s+)?files/i.test(
    error.apiMessage,
  );
}

/**
 * An upload refused because the account keeps as many batch files as the backend allows, with
 * what the bound is and what to do said after the API's error; any other error as it is.
 */
export function withFileBoundNote(error: unknown, backend: BackendProfile): unknown {
  const bound = backend.fileBound;
  if (
    bound === undefined ||
    !isBatchApiError(error) ||
    error.properties !== undefined ||
    !overFileBound(error)
  ) {
    return error;
  }
  const count = (n: number) => n.toLocaleString("en-US");
  return error.noting(
    `${backend.name} keeps at most ${count(bound.withoutExpiry)} batch files per resource, output and error files included (${count(bound.withExpiry)} when they carry expires_after), and the provider uploads its input files without an expiry. Delete the batch files the resource no longer needs (\`pulumi destroy\` deletes the input files a stack's batches uploaded), or give the files uploaded outside this provider an expires_after of 14 to 30 days, then run \`pulumi up\` again.`,
  );
}
