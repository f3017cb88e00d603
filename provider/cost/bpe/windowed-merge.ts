import { type BytePairMerger, type MergeLog, type MergeWork, NONE } from "./byte-pair-merge";
import type { RankTable } from "./rank-table";

/** A pre-token longer than this many bytes is merged in windows of about this size. */
export const WINDOW_BYTES = 64 * 1024;

/** Bytes merged past a window's cut, so the parts near the cut see what follows them. */
const MARGIN_BYTES = 2 * 1024;

/** The size of a window and of the margin merged past its cut, in bytes. */
export interface WindowSize {
  readonly bytes: number;
  readonly margin: number;
}

/**
 * Counts a long pre-token exactly in windows, so that memory stays that of one window and the
 * arrays stay in the processor's cache, whatever the length.
 *
 * Each window is merged on its own from its start, and cut at the last part boundary before its
 * end (the margin after it lets the parts near the cut see what follows). A cut splits the
 * pre-token exactly when the merge of the whole would never join the two parts that meet there.
 * That is checked, not assumed (cutHolds): the merges on each side happen in the whole merge in
 * the same order as in their own blocks, interleaved by rank (the left side first on a tie), and
 * the pair across the cut must never come first. Every cut that holds makes the whole count the
 * sum of the blocks' counts. A cut that does not hold (none in any text tried) makes the whole
 * pre-token merged at once, which is exact too.
 */
export class WindowedMerger {
  private readonly log: MergeLog = emptyLog();
  /** The merges of the block before the cut being checked, and of the block after it (reused). */
  private previous: MergeLog = emptyLog();
  private current: MergeLog = emptyLog();
  /** Cuts that did not hold, for tests. */
  refusedCuts = 0;

  /** `window`: the counter's own size; tests give a small one, so that short words are cut. */
  constructor(
    private readonly table: RankTable,
    private readonly merger: BytePairMerger,
    private readonly window: WindowSize = { bytes: WINDOW_BYTES, margin: MARGIN_BYTES },
  ) {}

  count(bytes: string, work?: MergeWork): number {
    const size = bytes.length;
    const { bytes: windowBytes, margin } = this.window;
    let tokens = 0;
    let blockStart = 0;
    while (blockStart < size) {
      const windowEnd = Math.min(size, blockStart + windowBytes + margin);
      const parts = this.merger.count(bytes.substring(blockStart, windowEnd), {
        log: this.log,
        ...(work === undefined ? {} : { work }),
      });
      const cut =
        windowEnd === size
          ? size
          : blockStart + this.merger.partStartAt(Math.min(windowBytes, size - blockStart));
      const block = restricted(this.log, blockStart, cut, this.current);
      if (blockStart > 0 && !cutHolds(this.table, bytes, blockStart, this.previous, block)) {
        this.refusedCuts += 1;
        this.merger.release();
        return this.merger.count(bytes, work === undefined ? {} : { work });
      }
      // The window's parts less those of its margin (a scan of the margin, not of the window).
      tokens += parts - this.merger.partsIn(cut - blockStart, windowEnd - blockStart);
      this.current = this.previous;
      this.previous = block;
      blockStart = cut;
    }
    return tokens;
  }
}

/**
 * Whether merging the whole of `bytes` keeps a part boundary at `cut`, given the merges of the
 * block on its left and of the block on its right (each merged on its own, positions in `bytes`).
 * Replays both in the order the whole merge would make them and checks that the pair across the
 * cut never comes first.
 */
export function cutHolds(
  table: RankTable,
  bytes: string,
  cut: number,
  left: MergeLog,
  right: MergeLog,
): boolean {
  return ascending(left) && ascending(right)
    ? cutHoldsByEvents(table, bytes, cut, left, right)
    : cutHoldsByReplay(table, bytes, cut, left, right);
}

/** The replay, merge by merge. @internal Exported for tests. */
export function cutHoldsByReplay(
  table: RankTable,
  bytes: string,
  cut: number,
  left: MergeLog,
  right: MergeLog,
): boolean {
  const { tokenBytes } = table;
  let lastStart = cut - 1;
  let firstEnd = cut + 1;
  let across = pairRank(table, bytes, lastStart, firstEnd);
  let l = 0;
  let r = 0;
  for (;;) {
    const leftRank = l < left.size ? left.ranks[l]! : NONE;
    const rightRank = r < right.size ? right.ranks[r]! : NONE;
    if (across !== NONE && across < leftRank && across <= rightRank) return false;
    if (leftRank === NONE && rightRank === NONE) return true;
    if (leftRank <= rightRank) {
      const start = left.starts[l]!;
      if (start + tokenBytes[leftRank]! === cut) {
        lastStart = start;
        across = pairRank(table, bytes, lastStart, firstEnd);
      }
      l += 1;
    } else {
      if (right.starts[r] === cut) {
        firstEnd = cut + tokenBytes[rightRank]!;
        across = pairRank(table, bytes, lastStart, firstEnd);
      }
      r += 1;
    }
  }
}

/**
 * The same answer when each block merged in ascending rank order (as it does unless a merge
 * made a pair of lower rank, which the real encodings have not been seen to do): the pair across
 * the cut changes only at the few merges that grow one of the two parts that meet there, and in
 * between, the next merges of both blocks only rise, so the pair would come first in a stretch
 * if it would just before the stretch's last merge. Only those moments are looked at, each with a
 * binary search for the other block's next merge.
 */
/** @internal Exported for tests. */
export function cutHoldsByEvents(
  table: RankTable,
  bytes: string,
  cut: number,
  left: MergeLog,
  right: MergeLog,
): boolean {
  const { tokenBytes } = table;
  let lastStart = cut - 1;
  let firstEnd = cut + 1;
  let across = pairRank(table, bytes, lastStart, firstEnd);
  let l = nextLeftEvent(left, cut, tokenBytes, 0);
  let r = nextRightEvent(right, cut, 0);
  while (l < left.size || r < right.size) {
    const leftRank = l < left.size ? left.ranks[l]! : NONE;
    const rightRank = r < right.size ? right.ranks[r]! : NONE;
    if (leftRank <= rightRank) {
      // Just before this merge of the left block: the right block's next merge is its first of a rank as high.
      if (across !== NONE && across < leftRank && across <= firstAtLeast(right, leftRank)) return false;
      lastStart = left.starts[l]!;
      l = nextLeftEvent(left, cut, tokenBytes, l + 1);
    } else {
      // Just before this merge of the right block: the left block's next merge is its first of a higher rank.
      if (across !== NONE && across <= rightRank && across < firstAtLeast(left, rightRank + 1)) return false;
      firstEnd = cut + tokenBytes[rightRank]!;
      r = nextRightEvent(right, cut, r + 1);
    }
    across = pairRank(table, bytes, lastStart, firstEnd);
  }
  // Once both blocks are done, a pair across the cut that is a token would be merged.
  return across === NONE;
}

/** Whether a log's merges came in ascending rank order. @internal Exported for tests. */
export function ascending(log: MergeLog): boolean {
  for (let index = 1; index < log.size; index += 1) {
    if (log.ranks[index]! < log.ranks[index - 1]!) return false;
  }
  return true;
}

/** The next merge of the left block, from `from`, that makes the part that ends at the cut. */
function nextLeftEvent(log: MergeLog, cut: number, tokenBytes: Uint8Array, from: number): number {
  let index = from;
  while (index < log.size && log.starts[index]! + tokenBytes[log.ranks[index]!]! !== cut) index += 1;
  return index;
}

/** The next merge of the right block, from `from`, that makes the part that starts at the cut. */
function nextRightEvent(log: MergeLog, cut: number, from: number): number {
  let index = from;
  while (index < log.size && log.starts[index] !== cut) index += 1;
  return index;
}

/** The first rank of an ascending log that is at least `rank`, or NONE. */
function firstAtLeast(log: MergeLog, rank: number): number {
  let low = 0;
  let high = log.size;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (log.ranks[middle]! < rank) low = middle + 1;
    else high = middle;
  }
  return low < log.size ? log.ranks[low]! : NONE;
}

function pairRank(table: RankTable, bytes: string, from: number, to: number): number {
  return to - from <= table.longestTokenBytes ? (table.byBytes.get(bytes.substring(from, to)) ?? NONE) : NONE;
}

/**
 * The merges of a window that fall in [start, end), which must be a part boundary, at absolute
 * positions; written into `into` (a new log when absent).
 */
export function restricted(
  log: MergeLog,
  windowStart: number,
  end: number,
  into: MergeLog = emptyLog(),
): MergeLog {
  if (into.ranks.length < log.size) {
    into.ranks = new Int32Array(log.ranks.length);
    into.starts = new Int32Array(log.ranks.length);
  }
  const { ranks, starts } = into;
  const { ranks: fromRanks, starts: fromStarts, size: merges } = log;
  let size = 0;
  for (let index = 0; index < merges; index += 1) {
    const start = windowStart + fromStarts[index]!;
    if (start < end) {
      ranks[size] = fromRanks[index]!;
      starts[size] = start;
      size += 1;
    }
  }
  into.size = size;
  return into;
}

function emptyLog(): MergeLog {
  return { ranks: new Int32Array(0), starts: new Int32Array(0), size: 0 };
}
