import { openAsBlob } from "node:fs";
import { join } from "node:path";
import {
  type BatchAttempt,
  type BatchOutputs,
  type BatchUsage,
  CREATE_TOKEN_METADATA_KEY,
  DEFAULTS,
} from "../contract";
import type { RuntimeDeps } from "../runtime/deps";
import type { ApiBatch, OpenAIBatchApi } from "../runtime/openai-api";
import { plainJson } from "../runtime/outputs";
import { OutcomeUnknownError, retrying } from "../runtime/retrying";
import { serializeRequests } from "../validation/jsonl/serialize";
import { writeAtomically } from "./atomic-file";
import type { InputSource } from "./input";
import { openInput } from "./input";
import { splitLines } from "./lines";
import { makeTempDir, removeTempDir } from "./temp-space";

/** Clocks differ: a batch or file made this long before the attempt began still counts as its own. */
const CLOCK_SLACK_SECONDS = 300;

/**
 * Makes follow-up batch `token` over the input lines numbered in `lines`, never twice: a batch
 * that already carries the token (made by an earlier, interrupted `up`) is taken as it is; the
 * upload and the create are made once each, and a failure that may have come after the work is
 * followed by a look-up for that work, as for the first batch.
 */
export async function createFollowUp(
  outs: BatchOutputs,
  input: InputSource,
  lines: ReadonlySet<number>,
  token: string,
  api: OpenAIBatchApi,
  deps: RuntimeDeps,
): Promise<ApiBatch> {
  const startedAt = Math.floor(deps.now() / 1000);
  const since = (outs.createdAt ?? startedAt) - CLOCK_SLACK_SECONDS;
  const earlier = await api.findBatchByToken(token, since);
  if (earlier !== undefined) {
    deps.log.info(`follow-up batch ${earlier.id} was created by an earlier attempt; taking it`);
    return earlier;
  }
  const dir = await makeTempDir("retry");
  try {
    const path = join(dir, `${token}.jsonl`);
    await writeAtomically(path, async (write) => {
      for await (const bytes of selectedLines(input, lines)) await write(bytes);
    });
    const filename = followUpFilename(token);
    const body = await openAsBlob(path);
    const file = await unwrap(
      retrying(
        () => api.uploadInputOnce(body, filename),
        {
          maxRetries: api.maxRetries,
          recover: () => api.findUploadedFile(filename, body.size, startedAt - CLOCK_SLACK_SECONDS),
        },
        deps,
      ),
    );
    const params = {
      inputFileId: file.id,
      endpoint: outs.endpoint,
      completionWindow: outs.completionWindow ?? DEFAULTS.completionWindow,
      metadata: { ...outs.metadata, [CREATE_TOKEN_METADATA_KEY]: token },
      ...(outs.outputExpiresAfter ? { outputExpiresAfter: outs.outputExpiresAfter } : {}),
    } as const;
    return await unwrap(
      retrying(
        () => api.createBatchOnce(params),
        {
          maxRetries: api.maxRetries,
          recover: () => api.findBatchByToken(token, startedAt - CLOCK_SLACK_SECONDS),
        },
        deps,
      ),
    );
  } finally {
    await removeTempDir(dir);
  }
}

/** The name a follow-up's input file is uploaded under: the tail of its create token. */
export function followUpFilename(token: string): string {
  return `retry.${token.slice(-24)}.jsonl`;
}

/** The bytes of the selected input lines, each ending with a line break. */
async function* selectedLines(input: InputSource, lines: ReadonlySet<number>): AsyncGenerator<Buffer> {
  if (Array.isArray(input)) {
    for (const [index, request] of (input as readonly unknown[]).entries()) {
      if (lines.has(index + 1)) yield serializeRequests([request]);
    }
    return;
  }
  const bytes =
    typeof input === "string"
      ? openInput(input)
      : await (input as Exclude<InputSource, string | readonly unknown[]>).open();
  for await (const line of splitLines(bytes)) {
    if (!lines.has(line.number)) continue;
    yield Buffer.concat([line.bytes, Buffer.from("\n")]);
  }
}

async function unwrap<T>(promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    throw error instanceof OutcomeUnknownError ? error.error : error;
  }
}

/** An attempt as the outputs record it, from the API's batch. */
export function attemptOfApiBatch(batch: ApiBatch): BatchAttempt {
  return {
    batchId: batch.id,
    status: batch.status as BatchAttempt["status"],
    inputFileId: batch.input_file_id,
    ...(batch.output_file_id ? { outputFileId: batch.output_file_id } : {}),
    ...(batch.error_file_id ? { errorFileId: batch.error_file_id } : {}),
    ...(batch.request_counts
      ? {
          requestCounts: {
            total: batch.request_counts.total,
            completed: batch.request_counts.completed,
            failed: batch.request_counts.failed,
          },
        }
      : {}),
    ...(batch.usage ? { usage: plainJson(batch.usage) as BatchUsage } : {}),
  };
}
