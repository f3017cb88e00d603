import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { basename, isAbsolute, resolve } from "node:path";
import type { BatchInputs } from "../contract";
import { BatchInputError } from "../errors";
import { serializeRequests } from "../validation/jsonl/serialize";
import type { UploadBody } from "./openai-api";

/** `inputFile` is relative to the Pulumi project's directory, which is where the provider runs. */
export function resolveInputFile(inputFile: string, cwd: string): string {
  return isAbsolute(inputFile) ? inputFile : resolve(cwd, inputFile);
}

export interface PreparedUpload {
  body: UploadBody;
  /** The file name without `.jsonl`, e.g. `requests` or the input file's own name. */
  stem: string;
  size: number;
}

/**
 * What create uploads: the serialized inline requests, or the input file on disk. A file is
 * hashed again first: if its bytes are no longer those `check` validated (their sha256 is in the
 * inputs), nothing is uploaded and the error says so.
 */
export async function prepareUpload(inputs: BatchInputs, cwd: string): Promise<PreparedUpload> {
  if (inputs.inputFile === undefined) {
    const bytes = serializeRequests(inputs.requests ?? []);
    return { body: { bytes }, stem: "requests", size: bytes.length };
  }
  const path = resolveInputFile(inputs.inputFile, cwd);
  try {
    const size = (await stat(path)).size;
    const sha256 = await sha256Of(path);
    if (inputs.inputSha256 !== undefined && sha256 !== inputs.inputSha256) {
      throw new BatchInputError([
        {
          property: "inputFile",
          reason: `${inputs.inputFile} changed after it was validated (its sha256 is now ${sha256}); run the command again so that the new content is checked`,
        },
      ]);
    }
    return { body: { path }, stem: basename(inputs.inputFile).replace(/\.jsonl$/i, ""), size };
  } catch (error) {
    if (error instanceof BatchInputError) {
      throw error;
    }
    throw new BatchInputError([
      { property: "inputFile", reason: `cannot read ${path}: ${(error as Error).message}` },
    ]);
  }
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
