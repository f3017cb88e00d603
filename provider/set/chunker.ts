import { noun } from "../display";
import { type BoundaryShape, boundaryShapeOf, type ShardBounds } from "./bounds";

/** What the chunker needs to know of one request line. */
export interface ChunkLine {
  /** The line's bytes, counting its newline. */
  bytes: number;
  /** Its estimated input tokens (0 when no token bound is set). */
  tokens: number;
  /** The hash of its custom_id (see line-hash.ts). */
  hash: number;
  /** Its embedding inputs (only counted, and only bounded, for `/v1/embeddings`). */
  inputs?: number;
}

/** Where a line falls: whether a shard ends before it (a bound forced it) and after it (a natural boundary). */
export interface Placement {
  cutBefore: boolean;
  cutAfter: boolean;
}

const TWO_POW_32 = 2 ** 32;

/**
 * Content-defined chunking over request lines, one line at a time in flat memory. A shard ends
 * after a line whose custom_id hash falls below a threshold, once the shard holds a minimum; the
 * threshold grows with the line's share of the byte and token targets, so that large lines end
 * shards sooner. A shard also ends before a line that would take it over a bound.
 *
 * Because a boundary depends only on the line itself and on how much the shard holds, an edit of
 * one line changes only its shard, and an insertion or deletion changes the shards around it until
 * the next natural boundary, where the old boundaries resume.
 */
export class Chunker {
  private readonly shape: BoundaryShape;
  private requests = 0;
  private bytes = 0;
  private tokens = 0;
  private inputs = 0;

  constructor(private readonly bounds: ShardBounds) {
    this.shape = boundaryShapeOf(bounds);
  }

  /** Why a single line can never fit a shard, or undefined when it can. */
  tooLarge(line: ChunkLine): string | undefined {
    if (line.bytes > this.bounds.maxBytes) {
      return `is ${line.bytes} ${noun(line.bytes, "byte")}, more than maxBytesPerBatch (${this.bounds.maxBytes})`;
    }
    if (this.bounds.maxTokens !== undefined && line.tokens > this.bounds.maxTokens) {
      return `has an estimated ${line.tokens} input ${noun(line.tokens, "token")}, more than maxEnqueuedTokens (${this.bounds.maxTokens})`;
    }
    if (this.bounds.maxInputs !== undefined && (line.inputs ?? 0) > this.bounds.maxInputs) {
      return `has ${line.inputs} embedding ${noun(line.inputs ?? 0, "input")}, more than a batch takes (${this.bounds.maxInputs})`;
    }
    return undefined;
  }

  /** Places the next line. The caller checks `tooLarge` first. */
  add(line: ChunkLine): Placement {
    const fits =
      this.requests + 1 <= this.bounds.maxRequests &&
      this.bytes + line.bytes <= this.bounds.maxBytes &&
      (this.bounds.maxTokens === undefined || this.tokens + line.tokens <= this.bounds.maxTokens) &&
      (this.bounds.maxInputs === undefined || this.inputs + (line.inputs ?? 0) <= this.bounds.maxInputs);
    const cutBefore = this.requests > 0 && !fits;
    if (cutBefore) this.reset();
    this.requests += 1;
    this.bytes += line.bytes;
    this.tokens += line.tokens;
    this.inputs += line.inputs ?? 0;
    const cutAfter = this.pastMinimum() && this.natural(line);
    if (cutAfter) this.reset();
    return { cutBefore, cutAfter };
  }

  private pastMinimum(): boolean {
    const s = this.shape;
    return (
      this.requests >= s.minRequests ||
      this.bytes >= s.minBytes ||
      this.tokens >= s.minTokens ||
      this.inputs >= s.minInputs
    );
  }

  private natural(line: ChunkLine): boolean {
    const s = this.shape;
    const chance = Math.max(
      1 / s.targetRequests,
      line.bytes / s.targetBytes,
      line.tokens / s.targetTokens,
      (line.inputs ?? 0) / s.targetInputs,
    );
    return line.hash < chance * TWO_POW_32;
  }

  private reset(): void {
    this.requests = 0;
    this.bytes = 0;
    this.tokens = 0;
    this.inputs = 0;
  }
}

/** The sizes (in lines) of the shards of a whole sequence of lines: for tests and planning. */
export function shardSizes(lines: Iterable<ChunkLine>, bounds: ShardBounds): number[] {
  const chunker = new Chunker(bounds);
  const sizes: number[] = [];
  let current = 0;
  for (const line of lines) {
    const { cutBefore, cutAfter } = chunker.add(line);
    if (cutBefore) {
      sizes.push(current);
      current = 0;
    }
    current += 1;
    if (cutAfter) {
      sizes.push(current);
      current = 0;
    }
  }
  if (current > 0) sizes.push(current);
  return sizes;
}
