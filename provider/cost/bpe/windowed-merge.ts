import { type BytePairMerger, type MergeLog, type MergeWork, NONE } from "./byte-pair-merge";
import type { RankTable } from "./rank-table";

/** A pre-token longer than this many bytes is merged in windows of about this size. */
export const WINDOW_BYTES = 64 * 1024;

/** Bytes merged past a window's cut, so the parts near the cut see what follows them. */
const MARGIN_BYTES = 4 * 1024;

/**
 * Counts a long pre-token exactly in windows, so that memory stays that of one window and the
 * arrays stay in the processor's cache, whatever the length.
 *
 * Each window is merged on its own from its start, and cut at the last part boundary before its
 * end (the margin after it lets the parts near the cut see what follows). A cut splits the
 * pre-token exactly when the merge of the whole would never join the two parts that meet there.
 * That is checked, not assumed: the merges on each side happen in the whole merge in the same
 * order as in their own blocks, interleaved by rank (the left side first on a tie), so the merges
 * of the two blocks are replayed in that order, and the pair across the cut (which changes only
 * when a merge grows one of the two parts that meet there) must never come first: it would if its
 * rank were below the next merge of the left block and at most the next merge of the right one
 * (it sits left of every pair of the right block). Every cut that holds makes the whole count the
 * sum of the blocks' counts. A cut that does not hold (none in any text tried) makes the whole
 * pre-token merged at once, which is exact too.
 */
export class WindowedMerger {
  private readonly log: MergeLog = { ranks: new Int32Array(0), starts: new Int32Array(0), size: 0 };
  private previous: MergeLog = { ranks: new Int32Array(0), starts: new Int32Array(0), size: 0 };
  /** Cuts that did not hold, for tests. */
  refusedCuts = 0;

  constructor(
    private readonly table: RankTable,
    private readonly merger: BytePairMerger,
  ) {}

  count(bytes: string, work?: MergeWork): number {
    const size = bytes.length;
    let tokens = 0;
    let blockStart = 0;
    while (blockStart < size) {
      const windowEnd = Math.min(size, blockStart + WINDOW_BYTES + MARGIN_BYTES);
      this.merger.count(bytes.substring(blockStart, windowEnd), {
        log: this.log,
        ...(work === undefined ? {} : { work }),
      });
      const cut =
        windowEnd === size
          ? size
          : blockStart + this.merger.partStartAt(Math.min(WINDOW_BYTES, size - blockStart));
      const block = restricted(this.log, blockStart, cut);
      if (blockStart > 0 && !cutHolds(this.table, bytes, blockStart, this.previous, block)) {
        this.refusedCuts += 1;
        this.merger.release();
        return this.merger.count(bytes, work === undefined ? {} : { work });
      }
      tokens += this.merger.partsIn(0, cut - blockStart);
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
  const { tokenBytes } = table;
  const rankOf = (from: number, to: number) =>
    to - from <= table.longestTokenBytes ? (table.byBytes.get(bytes.substring(from, to)) ?? NONE) : NONE;
  let lastStart = cut - 1;
  let firstEnd = cut + 1;
  let across = rankOf(lastStart, firstEnd);
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
        across = rankOf(lastStart, firstEnd);
      }
      l += 1;
    } else {
      if (right.starts[r] === cut) {
        firstEnd = cut + tokenBytes[rightRank]!;
        across = rankOf(lastStart, firstEnd);
      }
      r += 1;
    }
  }
}

/** The merges of a window that fall in [start, end), which must be a part boundary, at absolute positions. */
export function restricted(log: MergeLog, windowStart: number, end: number): MergeLog {
  const ranks = new Int32Array(log.size);
  const starts = new Int32Array(log.size);
  let size = 0;
  for (let index = 0; index < log.size; index += 1) {
    const start = windowStart + log.starts[index]!;
    if (start < end) {
      ranks[size] = log.ranks[index]!;
      starts[size] = start;
      size += 1;
    }
  }
  return { ranks, starts, size };
}
