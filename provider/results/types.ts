import type { BatchRequestLine } from "../contract";

/** What became of one request of a batch. */
export type BatchResultStatus = "succeeded" | "failed" | "expired" | "cancelled" | "missing";

/** One request's result: the answer of the output file, or the error of the error file. */
export interface BatchResultRecord {
  custom_id: string;
  /** 1-based line of the request in the input, when the input was given. */
  line?: number;
  status: BatchResultStatus;
  /** The HTTP status the request was answered with, when it was run. */
  statusCode?: number;
  /** The response body (the answer, or the endpoint's error body). */
  body?: unknown;
  /** Why the request did not succeed. */
  error?: { code: string; message: string };
}

/** A batch as far as its results go: its id, or the file ids (and, when known, its status). */
export type BatchResultsSource =
  | string
  | {
      output_file_id?: string | null;
      error_file_id?: string | null;
      /** The batch's status; it tells requests that never ran in a cancelled or expired batch apart. */
      status?: string;
      /** The batch's id, for messages. */
      id?: string;
    };

export interface ReadBatchResultsOptions {
  /** The batch's input: a JSONL path, or the request lines. Records then come in input order. */
  input?: string | readonly BatchRequestLine[];
  /** Default: OPENAI_API_KEY. */
  apiKey?: string;
  /** Default: OPENAI_BASE_URL, else https://api.openai.com/v1. */
  baseUrl?: string;
  /** Default: OPENAI_ORG_ID. */
  organization?: string;
  /** Default: OPENAI_PROJECT_ID. */
  project?: string;
}

/** Counts of a set of results, by status and by error code. */
export interface BatchResultsSummary {
  succeeded: number;
  failed: number;
  expired: number;
  cancelled: number;
  missing: number;
  errorCodes: Record<string, number>;
}
