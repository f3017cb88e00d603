import { isUtf8 } from "node:buffer";
import { createHash, type Hash } from "node:crypto";
import { LIMITS } from "../../contract";
import { locateJsonError } from "./json-syntax";
import type { LineProblem } from "./line-problem";
import { checkRequestLine, type LineRulesState, newLineRulesState } from "./line-rules";
import { MAX_NESTING_DEPTH, nestingDeeperThan } from "./nesting";
import {
  BYTE_ORDER_MARK_PROBLEM,
  findLoneSurrogate,
  firstInvalidUtf8,
  mayHoldLoneSurrogate,
} from "./text-rules";

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export interface ScannerOptions {
  endpoint: string | undefined;
  /** Take the endpoint from the first line's url when `endpoint` is not given. */
  endpointFromFirstLine?: boolean;
  /** How messages name a line; `line 5` by default. */
  lineName?: (line: number) => string;
  /** How many problems to keep; all of them are counted. */
  maxProblems: number;
  /** A longer line is reported and skipped without being held in memory. */
  maxLineBytes: number;
}

/**
 * Splits JSONL into lines as the bytes arrive, hashes every byte, and checks each line. It holds
 * at most one line at a time, so memory does not grow with the size of the input.
 */
export class JsonlScanner {
  readonly problems: LineProblem[] = [];
  problemCount = 0;
  lineCount = 0;
  bytes = 0;
  /** Set when reading stopped before the end (too many lines or bytes); the hash is then incomplete. */
  stoppedEarly = false;

  private readonly hash: Hash = createHash("sha256");
  private readonly rules: LineRulesState;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private skippingLongLine = false;

  constructor(private readonly options: ScannerOptions) {
    this.rules = newLineRulesState({
      endpoint: options.endpoint,
      ...(options.endpointFromFirstLine === undefined
        ? {}
        : { endpointFromFirstLine: options.endpointFromFirstLine }),
      ...(options.lineName === undefined ? {} : { lineName: options.lineName }),
    });
  }

  /** The endpoint the lines were checked against (given, or taken from the first line). */
  get endpoint(): string | undefined {
    return this.rules.endpoint;
  }

  /** The model every line names; undefined when none names one (the endpoint's default). */
  get model(): string | undefined {
    return this.rules.model?.explicit ? this.rules.model.name : undefined;
  }

  get embeddingInputs(): number {
    return this.rules.embeddingInputs;
  }

  /**
   * Feeds the next chunk; the scanner keeps no reference to it once this returns. Returns false
   * once the scanner needs no more input.
   */
  push(chunk: Buffer): boolean {
    if (this.stoppedEarly) {
      return false;
    }
    if (this.bytes + chunk.length > LIMITS.maxFileBytes) {
      // Whatever the file system said about its size: a device or a growing file stops here.
      this.bytes += chunk.length;
      this.report({
        message: `the input is more than ${LIMITS.maxFileBytes / (1024 * 1024)} MB; a batch input file may be at most ${LIMITS.maxFileBytes / (1024 * 1024)} MB, so split it into several batches, or give it to BatchSet, which splits it into batches for you`,
      });
      this.stoppedEarly = true;
      return false;
    }
    this.bytes += chunk.length;
    this.hash.update(chunk);
    let start = 0;
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      this.takeLine(chunk, start, end);
      start = end + 1;
      if (this.stoppedEarly) {
        return false;
      }
    }
    this.keepPartialLine(chunk, start);
    return true;
  }

  /** Finishes the input: the last line may lack its newline. Returns the sha256 when all was read. */
  end(): string | undefined {
    if (!this.stoppedEarly && (this.pendingBytes > 0 || this.skippingLongLine)) {
      this.takeLine(Buffer.alloc(0), 0, 0);
    }
    if (!this.stoppedEarly && this.lineCount === 0) {
      this.report({ message: "there are no requests; put one JSON request per line" });
    }
    return this.stoppedEarly ? undefined : this.hash.digest("hex");
  }

  private keepPartialLine(chunk: Buffer, start: number): void {
    if (start >= chunk.length || this.skippingLongLine) {
      return;
    }
    // A copy: the caller may reuse `chunk` for the next read.
    this.pending.push(Buffer.from(chunk.subarray(start)));
    this.pendingBytes += chunk.length - start;
    if (this.pendingBytes > this.options.maxLineBytes) {
      this.pending = [];
      this.pendingBytes = 0;
      this.skippingLongLine = true;
    }
  }

  private takeLine(chunk: Buffer, start: number, end: number): void {
    this.lineCount += 1;
    const line = this.lineCount;
    if (line > LIMITS.maxLines) {
      this.report({
        message: `there are more than ${LIMITS.maxLines} lines; a batch takes at most ${LIMITS.maxLines} requests, so split the file, or give it to BatchSet, which splits it into batches for you`,
      });
      this.lineCount = LIMITS.maxLines;
      this.stoppedEarly = true;
      return;
    }
    if (this.skippingLongLine || this.pendingBytes + (end - start) > this.options.maxLineBytes) {
      this.skippingLongLine = false;
      this.pending = [];
      this.pendingBytes = 0;
      this.report({
        line,
        message: `the line is longer than ${this.options.maxLineBytes} bytes; shorten the request`,
      });
      return;
    }
    const bytes = this.joinWithPending(chunk, start, end);
    const length =
      bytes.length > 0 && bytes[bytes.length - 1] === CARRIAGE_RETURN ? bytes.length - 1 : bytes.length;
    const invalidAt = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes.subarray(0, length));
    if (invalidAt !== -1) {
      this.report({
        line,
        message: `the line is not valid UTF-8 (byte ${invalidAt + 1} of the line); save the file as UTF-8`,
      });
      return;
    }
    const text = bytes.toString("utf8", 0, length);
    this.checkLine(text, line);
  }

  private joinWithPending(chunk: Buffer, start: number, end: number): Buffer {
    if (this.pendingBytes === 0) {
      return chunk.subarray(start, end);
    }
    const joined = Buffer.concat([...this.pending, chunk.subarray(start, end)]);
    this.pending = [];
    this.pendingBytes = 0;
    return joined;
  }

  private checkLine(rawText: string, line: number): void {
    const hasByteOrderMark = line === 1 && rawText.startsWith("\uFEFF");
    if (hasByteOrderMark) {
      this.report({
        line,
        message: BYTE_ORDER_MARK_PROBLEM,
      });
    }
    const text = hasByteOrderMark ? rawText.slice(1) : rawText;
    if (text.trim() === "") {
      this.report({
        line,
        message: "the line is empty; remove blank lines (only a final newline may end the file)",
      });
      return;
    }
    const tooDeep = nestingDeeperThan(text);
    if (tooDeep !== undefined) {
      // Refused before it is parsed: the parsed value of a deep line takes far more memory than its bytes.
      this.report({
        line,
        message: `the line nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep (level ${MAX_NESTING_DEPTH + 1} opens at column ${tooDeep}); a request may nest at most ${MAX_NESTING_DEPTH} levels, so flatten it`,
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      // V8's message quotes the line; a secret in it would reach the logs. Say where instead.
      const where = locateJsonError(text);
      this.report({
        line,
        message:
          where === undefined
            ? "the line is not valid JSON"
            : `the line is not valid JSON: ${where.problem} (column ${where.column})`,
      });
      return;
    }
    const surrogate = mayHoldLoneSurrogate(text) ? findLoneSurrogate(value) : undefined;
    if (surrogate !== undefined) {
      this.report({
        line,
        ...(surrogate.path === "" ? {} : { field: surrogate.path }),
        message: `${surrogate.path === "" ? "the line" : surrogate.path} ${surrogate.problem}`,
      });
      return;
    }
    for (const problem of checkRequestLine(value, line, this.rules)) {
      this.report(problem);
    }
  }

  /** Records a problem found outside the scanner (e.g. in inline values before serialization). */
  report(problem: LineProblem): void {
    this.problemCount += 1;
    if (this.problems.length < this.options.maxProblems) {
      this.problems.push(problem);
    }
  }
}
