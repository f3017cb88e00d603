/** What an emulated request knows about itself. */
export interface ExecutionContext {
  batchId: string;
  customId: string;
  /** 1-based line of the request in the input file. */
  line: number;
  /** Emulator time of execution, unix seconds. */
  createdSec: number;
  /** A digest of the request: the seed of every generated value, so a request always answers alike. */
  seed: string;
}

/**
 * What an answered request counts, from the emulator's tokenizer: its input tokens (0 for an
 * endpoint not counted in tokens), the text it is answered with, and that text's tokens.
 */
export interface CountedRequest {
  input: number;
  reply: string;
  replyTokens: number;
}

/** A successful emulated answer: its body and the tokens it counts. */
export interface ExecutionSuccess {
  body: Record<string, unknown>;
  usage: { input: number; output: number };
}

/** A request the emulated endpoint refuses, as the real one would (status and error object). */
export interface ExecutionFailure {
  status: number;
  error: { message: string; type: string; param: string | null; code: string | null };
}

export type ExecutionResult = { ok: true; value: ExecutionSuccess } | { ok: false; value: ExecutionFailure };
