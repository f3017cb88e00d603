import { displayable } from "../display";
import { BatchApiError, BatchInputError } from "../errors";
import { isTerminal } from "../policy/lifecycle";
import type { ApiBatch, OpenAIBatchApi } from "../runtime/openai-api";
import type { ResultAttempt, ResultFile } from "./join";
import type { BatchResultsSource } from "./types";

/** What the messages about a batch's files can say about the batch. */
interface BatchFacts {
  id?: string;
  status?: string;
  /** When it finished, unix seconds. */
  finishedAt?: number;
}

/**
 * The result files of a batch, each opened from the API when its turn comes. A batch given by id
 * is retrieved first; `output_file_id` and `error_file_id` that are null or "" count as absent
 * (a completed batch may have no output file).
 */
export async function attemptOf(api: OpenAIBatchApi, source: BatchResultsSource): Promise<ResultAttempt> {
  if (typeof source === "string") {
    const batch = await api.retrieveBatch(source);
    if (batch === undefined) {
      throw new BatchApiError({
        operation: "retrieve the batch",
        status: 404,
        apiMessage: `no batch found with id '${source}'; check the batch id`,
      });
    }
    if (!isTerminal(batch.status)) {
      // Its files are written when it finishes: read now, every request would be "missing".
      throw new BatchInputError([
        {
          property: source,
          reason: `the batch is ${displayable(batch.status, 40)}, not finished: its results are written when it has completed, failed, expired or been cancelled; wait for that, then read them`,
        },
      ]);
    }
    return attemptOfBatch(api, batch);
  }
  const facts: BatchFacts = {
    ...(source.id === undefined ? {} : { id: source.id }),
    ...(source.status === undefined ? {} : { status: source.status }),
  };
  return {
    ...(source.status === undefined ? {} : { status: source.status }),
    files: filesOf(api, source.output_file_id, source.error_file_id, facts),
  };
}

export function attemptOfBatch(api: OpenAIBatchApi, batch: ApiBatch): ResultAttempt {
  const finishedAt = batch.completed_at ?? batch.expired_at ?? batch.cancelled_at ?? batch.failed_at;
  const facts: BatchFacts = {
    id: batch.id,
    status: batch.status,
    ...(finishedAt == null ? {} : { finishedAt }),
  };
  return { status: batch.status, files: filesOf(api, batch.output_file_id, batch.error_file_id, facts) };
}

export function filesOf(
  api: OpenAIBatchApi,
  outputFileId: string | null | undefined,
  errorFileId: string | null | undefined,
  facts: BatchFacts,
): ResultFile[] {
  const files: ResultFile[] = [];
  for (const [kind, id] of [
    ["output", outputFileId],
    ["error", errorFileId],
  ] as const) {
    if (typeof id === "string" && id !== "") {
      files.push({ kind, id, open: () => openResultFile(api, kind, id, facts) });
    }
  }
  return files;
}

async function openResultFile(
  api: OpenAIBatchApi,
  kind: "output" | "error",
  id: string,
  batch: BatchFacts,
): Promise<AsyncIterable<Uint8Array>> {
  const file = await api.retrieveFile(id);
  const content = file === undefined ? undefined : await api.openFileContent(id, file);
  if (content !== undefined) {
    return content;
  }
  throw new BatchApiError({
    operation: `download the ${kind} file ${id}${batch.id === undefined ? "" : ` of batch ${batch.id}`}`,
    status: 404,
    apiMessage:
      file === undefined && batch.id === undefined
        ? notFoundMessage(id)
        : goneMessage(file?.expires_at ?? undefined, batch.finishedAt),
  });
}

/**
 * Why a file id that no batch vouches for answers 404. The API answers the same for an id that
 * never was and for a file that has expired or been deleted, so this says "not found"; a batch
 * id tells the two apart, since the batch names its files.
 */
export function notFoundMessage(id: string): string {
  return `no file found with id '${id}'; check the id (a file that has expired or been deleted is not found either: read the results by the batch's id, which tells the two apart)`;
}

/**
 * Why a result file that existed answers 404 (a batch names it, or the API still has its
 * metadata), with its expiry time when known, and what to do about it.
 */
export function goneMessage(expiresAt: number | undefined, finishedAt: number | undefined): string {
  const when =
    expiresAt !== undefined
      ? ` (it expired at ${iso(expiresAt)})`
      : finishedAt !== undefined
        ? ` (the batch finished at ${iso(finishedAt)}; its files expire at the time output_expires_after sets after that)`
        : "";
  return `the file no longer exists: it has expired or been deleted${when}. A batch's output and error files are kept only until their expires_at; read the results before then, or give the batch a longer \`outputExpiresAfter\` (output_expires_after, up to 30 days)`;
}

function iso(seconds: number): string {
  return new Date(seconds * 1000).toISOString();
}
