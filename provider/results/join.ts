import { absentRecord, customIdOfBytes, type LineResult, ResultLineProblem, resultOfLine } from "./classify";
import { LineTooLongError, type RawLine, splitLines } from "./lines";
import { Spool, type SpooledLine } from "./spool";
import type { BatchResultRecord } from "./types";

/** One file of results: which kind, and how to open its bytes (opened once, when its turn comes). */
export interface ResultFile {
  kind: "output" | "error";
  id: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

/** One batch run over some of the requests: the first over all of them, a retry over some. */
export interface ResultAttempt {
  /** The batch's status, which tells requests a cancelled or expired batch never ran. */
  status?: string;
  files: readonly ResultFile[];
  /** The custom_ids this attempt was given; absent for the first attempt, which had them all. */
  customIds?: ReadonlySet<string>;
}

/** A request of the input: its custom_id, its line number, and its bytes. */
export interface InputRequest {
  customId: string;
  line: number;
}

/** Thrown for a result line that cannot be read; names the file and the line. */
export class ResultFileProblem extends RangeError {
  constructor(
    readonly file: ResultFile,
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line} of the ${file.kind} file ${file.id}: ${reason}`);
  }
}

type IndexEntry =
  | { kind: "line"; at: SpooledLine; file: ResultFile; lineNo: number }
  | { kind: "absent"; status: string | undefined };

/**
 * Joins the attempts' result files with the input, streamed: records come in input order, with
 * each request's last attempt; requests in no file are `missing` (or `cancelled`/`expired` by
 * their batch's status); result lines whose custom_id is not in the input come last, without a
 * line number. Only the index (custom_id to a position in a spool file) grows with the number of
 * requests; the bodies stay on disk.
 */
export function joinWithInput(
  attempts: readonly ResultAttempt[],
  input: AsyncIterable<InputRequest>,
): AsyncGenerator<BatchResultRecord> {
  const [only] = attempts;
  return attempts.length === 1 && only !== undefined && only.customIds === undefined
    ? joinOneBatchWithInput(only, input)
    : joinAttemptsWithInput(attempts, input);
}

async function* joinAttemptsWithInput(
  attempts: readonly ResultAttempt[],
  input: AsyncIterable<InputRequest>,
): AsyncGenerator<BatchResultRecord> {
  const spool = await Spool.create();
  try {
    const index = new Map<string, IndexEntry>();
    const unnamed: IndexEntry[] = [];
    for (const attempt of attempts) {
      for (const id of attempt.customIds ?? []) index.set(id, { kind: "absent", status: attempt.status });
      for (const file of attempt.files) {
        for await (const line of resultLines(file)) {
          const customId = customIdOfBytes(line.bytes);
          if (customId === undefined) throw new ResultFileProblem(file, line.number, "it has no custom_id");
          const entry: IndexEntry = {
            kind: "line",
            at: await spool.append(line.bytes),
            file,
            lineNo: line.number,
          };
          if (customId === null) unnamed.push(entry);
          else index.set(customId, entry);
        }
      }
    }
    await spool.flush();
    const firstStatus = attempts[0]?.status;
    const recordOf = async (customId: string, entry: IndexEntry | undefined): Promise<BatchResultRecord> => {
      if (entry === undefined || entry.kind === "absent") {
        return { custom_id: customId, ...absentRecord(entry === undefined ? firstStatus : entry.status) };
      }
      const { record } = parseLine(await spool.read(entry.at), entry.file, entry.lineNo);
      return { custom_id: customId, ...record };
    };
    for await (const request of input) {
      const entry = index.get(request.customId);
      index.delete(request.customId);
      const record = await recordOf(request.customId, entry);
      yield { custom_id: record.custom_id, line: request.line, ...withoutId(record) };
    }
    for (const [customId, entry] of index) {
      if (entry.kind === "line") yield await recordOf(customId, entry);
    }
    for (const entry of unnamed) yield await recordOf("", entry);
  } finally {
    await spool.dispose();
  }
}

/**
 * `joinWithInput` for one batch, the common case, streamed against the input: the error files
 * (small) are spooled and indexed first, then the output file is read as the input asks for it,
 * so output lines that come in input order (as they mostly do) are parsed straight from the
 * download and never spooled; only lines that come ahead of their turn are. A custom_id found in
 * an error file takes that line; a custom_id seen again after its record was given is dropped.
 */
async function* joinOneBatchWithInput(
  attempt: ResultAttempt,
  input: AsyncIterable<InputRequest>,
): AsyncGenerator<BatchResultRecord> {
  const spool = await Spool.create();
  try {
    const ahead = new Map<string, IndexEntry>();
    const unnamed: IndexEntry[] = [];
    const given = new Set<string>();
    const keep = async (customId: string | null, bytes: Buffer, file: ResultFile, lineNo: number) => {
      const entry: IndexEntry = { kind: "line", at: await spool.append(bytes), file, lineNo };
      if (customId === null) unnamed.push(entry);
      else ahead.set(customId, entry);
    };
    for (const file of attempt.files.filter((f) => f.kind !== "output")) {
      for await (const line of resultLines(file)) {
        await keep(customIdOrThrow(line, file), line.bytes, file, line.number);
      }
    }
    await spool.flush();
    const errorIds = new Set(ahead.keys());
    const output = outputLines(attempt.files.filter((f) => f.kind === "output"));
    const fromSpool = async (entry: IndexEntry): Promise<Omit<BatchResultRecord, "custom_id">> => {
      if (entry.kind === "absent") return absentRecord(entry.status);
      await spool.flush();
      return parseLine(await spool.read(entry.at), entry.file, entry.lineNo).record;
    };
    for await (const request of input) {
      const id = request.customId;
      const early = ahead.get(id);
      let rest: Omit<BatchResultRecord, "custom_id"> | undefined;
      if (early !== undefined) {
        ahead.delete(id);
        rest = await fromSpool(early);
      } else {
        for (let next = await output.next(); !next.done; next = await output.next()) {
          const { file, line } = next.value;
          const customId = customIdOrThrow(line, file);
          if (customId === id) {
            rest = parseLine(line.bytes.toString("utf8"), file, line.number).record;
            break;
          }
          if (customId !== null && (given.has(customId) || errorIds.has(customId))) continue;
          await keep(customId, line.bytes, file, line.number);
        }
      }
      given.add(id);
      yield { custom_id: id, line: request.line, ...(rest ?? absentRecord(attempt.status)) };
    }
    for await (const { file, line } of output) {
      const customId = customIdOrThrow(line, file);
      if (customId !== null && (given.has(customId) || errorIds.has(customId))) continue;
      await keep(customId, line.bytes, file, line.number);
    }
    for (const [customId, entry] of ahead) {
      if (entry.kind === "line") yield { custom_id: customId, ...(await fromSpool(entry)) };
    }
    for (const entry of unnamed) yield { custom_id: "", ...(await fromSpool(entry)) };
  } finally {
    await spool.dispose();
  }
}

async function* outputLines(
  files: readonly ResultFile[],
): AsyncGenerator<{ file: ResultFile; line: RawLine }> {
  for (const file of files) {
    for await (const line of resultLines(file)) yield { file, line };
  }
}

/**
 * The lines of a result file, opened now. A line too long to be a result line is a
 * `ResultFileProblem` that names the file and the byte where the line starts.
 */
export async function* resultLines(file: ResultFile): AsyncGenerator<RawLine> {
  try {
    yield* splitLines(await file.open());
  } catch (error) {
    if (error instanceof LineTooLongError) throw new ResultFileProblem(file, error.line, error.reason);
    throw error;
  }
}

function customIdOrThrow(line: RawLine, file: ResultFile): string | null {
  const customId = customIdOfBytes(line.bytes);
  if (customId === undefined) throw new ResultFileProblem(file, line.number, "it has no custom_id");
  return customId;
}

/** Without the input: every line of every file, in file order (output, then errors). */
export async function* joinWithoutInput(
  attempts: readonly ResultAttempt[],
): AsyncGenerator<BatchResultRecord> {
  for (const attempt of attempts) {
    for (const file of attempt.files) {
      for await (const line of resultLines(file)) {
        const { customId, record } = parseLine(line.bytes.toString("utf8"), file, line.number);
        yield { custom_id: customId ?? "", ...record };
      }
    }
  }
}

function parseLine(text: string, file: ResultFile, lineNo: number): LineResult {
  try {
    return resultOfLine(text);
  } catch (error) {
    if (error instanceof ResultLineProblem) throw new ResultFileProblem(file, lineNo, error.message);
    throw error;
  }
}

function withoutId(record: BatchResultRecord): Omit<BatchResultRecord, "custom_id"> {
  const { custom_id: _ignored, ...rest } = record;
  return rest;
}

export type { RawLine };
