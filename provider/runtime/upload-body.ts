import { createHash } from "node:crypto";
import { openAsBlob } from "node:fs";
import { basename, isAbsolute, resolve } from "node:path";
import type { BatchInputs } from "../contract";
import { BatchInputError, isBatchInputFileError } from "../errors";
import { openInputFile } from "../validation/jsonl/open-input-file";
import { serializeRequests } from "../validation/jsonl/serialize";

/** `inputFile` is relative to the Pulumi project's directory, which is where the provider runs. */
export function resolveInputFile(inputFile: string, cwd: string): string {
  return isAbsolute(inputFile) ? inputFile : resolve(cwd, inputFile);
}

export interface PreparedUpload {
  /** The bytes to upload: in memory for inline requests, backed by the file on disk otherwise. */
  body: Blob;
  /** The file name without `.jsonl`, e.g. `requests` or the input file's own name. */
  stem: string;
  size: number;
}

/**
 * What create uploads: the serialized inline requests, or the input file on disk. A file is
 * opened first and hashed through the opened handle: if its bytes are no longer those `check`
 * validated (their sha256 is in the inputs), nothing is uploaded and the error says so; and if
 * the file changes after that, reading it for the upload fails rather than sending other bytes.
 */
export async function prepareUpload(inputs: BatchInputs, cwd: string): Promise<PreparedUpload> {
  if (inputs.inputFile === undefined) {
    const bytes = serializeRequests(inputs.requests ?? []);
    return { body: new Blob([bytes]), stem: "requests", size: bytes.length };
  }
  const path = resolveInputFile(inputs.inputFile, cwd);
  let blob: Blob;
  let sha256: string;
  try {
    // The file may have been swapped for a pipe or a device since check: refuse it unread.
    await (await openInputFile(path)).handle.close();
    blob = await openAsBlob(path);
    sha256 = await sha256Of(blob);
  } catch (error) {
    const why = isBatchInputFileError(error) ? error.reason : (error as Error).message;
    throw new BatchInputError([{ property: "inputFile", reason: `cannot read ${path}: ${why}` }]);
  }
  if (inputs.inputSha256 !== undefined && sha256 !== inputs.inputSha256) {
    throw new BatchInputError([
      {
        property: "inputFile",
        reason: `${inputs.inputFile} changed after it was validated (its sha256 is now ${sha256}); run the command again so that the new content is checked`,
      },
    ]);
  }
  return { body: blob, stem: basename(inputs.inputFile).replace(/\.jsonl$/i, ""), size: blob.size };
}

async function sha256Of(blob: Blob): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of blob.stream()) {
    hash.update(chunk);
  }
  return hash.digest("hex");
}
