import type { BatchEndpoint, BatchStatus } from "../limits";

/** The records the emulator keeps, as stored in memory and in the state file. Times: unix ms. */

export interface FileRecord {
  id: string;
  /** Creation order, for listing. */
  seq: number;
  bytes: number;
  createdMs: number;
  expiresMs?: number;
  filename: string;
  purpose: string;
}

export interface BatchErrorEntry {
  code: string;
  message: string;
  line: number | null;
  param: string | null;
}

export interface UsageTotals {
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
  reasoningTokens: number;
}

/** How far a batch has got through its input file. */
export interface BatchProgress {
  validated: boolean;
  /** Requests in the input file. */
  total: number;
  /** Requests executed so far (completed + failed). */
  done: number;
  completed: number;
  failed: number;
  /** Byte offset in the input file of the next request to execute. */
  byteOffset: number;
  /** Bytes written so far to the pending output and error files. */
  outputBytes: number;
  errorBytes: number;
}

export interface BatchRecord {
  id: string;
  seq: number;
  endpoint: BatchEndpoint;
  inputFileId: string;
  completionWindow: string;
  metadata?: Record<string, string>;
  outputExpiresAfterSeconds?: number;
  status: BatchStatus;
  stuck: boolean;
  /** When the current status began (or was forced). */
  phaseStartMs: number;
  createdMs: number;
  expiresMs: number;
  inProgressMs?: number;
  finalizingMs?: number;
  completedMs?: number;
  failedMs?: number;
  expiredMs?: number;
  cancellingMs?: number;
  cancelledMs?: number;
  model?: string;
  errors?: BatchErrorEntry[];
  outputFileId?: string;
  errorFileId?: string;
  progress: BatchProgress;
  usage: UsageTotals;
  /** The input tokens the batch holds in its model's queue, once validated (with a limit set). */
  enqueuedTokens?: number;
}

export interface UploadPartRecord {
  id: string;
  createdMs: number;
  bytes: number;
}

export type UploadStatus = "pending" | "completed" | "cancelled" | "expired";

export interface UploadRecord {
  id: string;
  seq: number;
  createdMs: number;
  expiresMs: number;
  filename: string;
  purpose: string;
  bytes: number;
  mimeType: string;
  fileExpiresAfterSeconds?: number;
  status: UploadStatus;
  parts: UploadPartRecord[];
  fileId?: string;
}

export function emptyProgress(): BatchProgress {
  return {
    validated: false,
    total: 0,
    done: 0,
    completed: 0,
    failed: 0,
    byteOffset: 0,
    outputBytes: 0,
    errorBytes: 0,
  };
}

export function emptyUsage(): UsageTotals {
  return { inputTokens: 0, cachedTokens: 0, outputTokens: 0, reasoningTokens: 0 };
}
