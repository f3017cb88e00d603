import { type PairRanks, pairRanksOf, type RankTable } from "./rank-table";

/** No pair: a rank above every real one. */
export const NONE = 0x7fffffff;

/** Ranks are below 2^18 (o200k_base has 200,000 tokens), so two make one exact number. */
const RANK_SPAN = 2 ** 18;

/** Entries of the cache of pairs of part ranks (a power of two). */
const PAIR_CACHE_SIZE = 1 << 16;
const PAIR_CACHE_MASK = PAIR_CACHE_SIZE - 1;

/** A pre-token longer than this is merged with the pair table (built on first use). */
const PAIR_TABLE_BYTES = 256;

/** Arrays above this many bytes are let go after a merge, so one long word does not keep them. */
const KEEP_BYTES = 1024 * 1024;

/** What merging did, for tests that bound its work. */
export interface MergeWork {
  /** Ranks looked up: every adjacent pair of bytes, then the two new pairs of each merge. */
  lookups: number;
  /** Pairs taken out of a rank's bucket to be merged or skipped. */
  pairsTaken: number;
  /** Words of the queue of ranks read to find the next rank to merge. */
  queueReads: number;
}

/** The merges of one run, in order: the rank made and where its part starts. */
export interface MergeLog {
  ranks: Int32Array;
  starts: Int32Array;
  size: number;
}

/**
 * Byte-pair merging of one pre-token, exactly as tiktoken's reference merge: start from single
 * bytes, and merge, again and again, the adjacent pair of parts whose joined bytes have the lowest
 * rank, the leftmost one on a tie, until no adjacent pair is a token. The parts left are the
 * tokens.
 *
 * The reference scans every pair at each step, which is quadratic in the length of the pre-token
 * (a word of a megabyte takes hours). Here:
 * - the parts are a doubly linked list: each part's length and the length of the part before it;
 * - every pair that is a token sits in the bucket of its rank, a doubly linked list, so that a
 *   pair that changes leaves its bucket in O(1); a pair whose first part is merged away stays
 *   there, dead, and is skipped (no part starts at its byte again);
 * - one bit a rank marks the buckets that hold pairs; the lowest is taken whole and its pairs
 *   merged from left to right. A merge replaces the pair before and the pair after the new part;
 *   neither can have the rank being merged (each holds more bytes than it), so the bucket taken
 *   stays complete, unless one has a lower rank: that rank then comes first, as it would in the
 *   reference, and the rest of the bucket goes back to be taken again in order;
 * - a part is always a token, so a pair of parts is a pair of ranks: each is looked up once, in a
 *   small cache of pairs of ranks, then (in a pre-token of more than 256 bytes) in the table of
 *   all pairs of tokens (PairRanks) or by its bytes; no part is longer than the longest token, so
 *   a longer pair is never looked up.
 * Time: O(n) look-ups and list moves, a scan of the bits of the ranks (25,000 bytes for
 * o200k_base) each time a lower rank comes up, and a sort of a bucket in the rare case its pairs
 * came in out of order. Working memory: 18 bytes per byte of the pre-token, in arrays kept from one
 * merge to the next (let go after one of more than 1 MiB), and a fixed 8 bytes per token of the
 * encoding.
 */
export class BytePairMerger {
  /** Length of the part that starts at each byte; 0 inside a part. */
  private length = new Uint8Array(0);
  /** Length of the part before the part that starts at each byte. */
  private previousLength = new Uint8Array(0);
  /** Rank of the token that each part is. */
  private partRank = new Int32Array(0);
  /** Rank of the pair that starts at each part (the part and the next one), or NONE. */
  private pairRank = new Int32Array(0);
  /** Each pair's neighbours in its rank's bucket; `next` is DETACHED when the pair is in no bucket. */
  private bucketNext = new Int32Array(0);
  private bucketPrevious = new Int32Array(0);
  /** The pairs of the bucket being merged, by position. */
  private taken = new Int32Array(64);

  private readonly bucketHead: Int32Array;
  private readonly bucketTail: Int32Array;
  /**
   * The ranks whose buckets may hold pairs, one bit each, and the first word that may have a bit
   * set: the next rank to merge is the lowest bit set.
   */
  private readonly queued: Int32Array;
  private lowestQueued: number;

  private readonly pairCacheKey = new Float64Array(PAIR_CACHE_SIZE).fill(-1);
  private readonly pairCacheRank = new Int32Array(PAIR_CACHE_SIZE);

  private pairs: PairRanks | undefined;
  private lookups = 0;
  private queueReads = 0;
  private pairsTaken = 0;

  constructor(private readonly table: RankTable) {
    const ranks = table.tokenBytes.length;
    this.bucketHead = new Int32Array(ranks).fill(-1);
    this.bucketTail = new Int32Array(ranks).fill(-1);
    this.queued = new Int32Array(Math.ceil(ranks / 32));
    this.lowestQueued = this.queued.length;
  }

  /**
   * The tokens of a pre-token, given as its bytes, one latin1 character per byte. `log`, when
   * given, receives every merge in order; `work` is added to.
   */
  count(bytes: string, options: { work?: MergeWork; log?: MergeLog } = {}): number {
    const size = bytes.length;
    const log = options.log;
    if (log !== undefined) log.size = 0;
    if (size <= 1) return size;
    this.reserve(size);
    if (size > PAIR_TABLE_BYTES) this.pairs ??= pairRanksOf(this.table);
    this.lookups = size - 1;
    this.queueReads = 0;
    this.pairsTaken = 0;
    const { length, previousLength, partRank, pairRank, bucketNext } = this;
    const { byteRank, bytePairRank, longestTokenBytes: longest } = this.table;

    let code = bytes.charCodeAt(0);
    for (let start = 0; start < size; start += 1) {
      length[start] = 1;
      previousLength[start] = 1;
      partRank[start] = byteRank[code]!;
      pairRank[start] = NONE;
      bucketNext[start] = DETACHED;
      if (start + 1 < size) {
        const next = bytes.charCodeAt(start + 1);
        const rank = bytePairRank[(code << 8) | next]!;
        if (rank >= 0) this.enter(start, rank);
        code = next;
      }
    }

    let parts = size;
    for (let rank = this.nextRank(); rank >= 0; rank = this.nextRank()) {
      const count = this.takeBucket(rank);
      const taken = this.taken;
      let index = 0;
      while (index < count) {
        const start = taken[index]!;
        index += 1;
        if (length[start] === 0 || pairRank[start] !== rank) continue;
        const next = start + length[start]!;
        const merged = length[start]! + length[next]!;
        // The part that started at `next` is now inside this one, which is the token `rank`. Its
        // pair stays in its bucket, dead: no part starts there again, and a dead pair is skipped.
        pairRank[next] = NONE;
        length[next] = 0;
        length[start] = merged;
        partRank[start] = rank;
        pairRank[start] = NONE;
        parts -= 1;
        if (log !== undefined) record(log, rank, start);
        const after = start + merged;
        let rankAfter = NONE;
        if (after < size) {
          previousLength[after] = merged;
          const end = after + length[after]!;
          if (end - start <= longest) rankAfter = this.pairOf(bytes, start, after, end);
          if (rankAfter !== NONE) this.enter(start, rankAfter);
        }
        let rankBefore = NONE;
        if (start > 0) {
          const before = start - previousLength[start]!;
          this.leave(before);
          if (after - before <= longest) rankBefore = this.pairOf(bytes, before, start, after);
          if (rankBefore !== NONE) this.enter(before, rankBefore);
        }
        if (rankAfter < rank || rankBefore < rank) break;
      }
      // A lower rank came up: it goes first, and the rest of this bucket waits its turn again.
      for (; index < count; index += 1) {
        const start = taken[index]!;
        if (length[start] !== 0 && pairRank[start] === rank) this.enter(start, rank);
      }
    }
    if (options.work !== undefined) {
      options.work.lookups += this.lookups;
      options.work.queueReads += this.queueReads;
      options.work.pairsTaken += this.pairsTaken;
    }
    if (size > KEEP_BYTES && log === undefined) this.release();
    return parts;
  }

  /** After `count`: the start of the part that holds byte `at`. */
  partStartAt(at: number): number {
    let start = at;
    while (this.length[start] === 0) start -= 1;
    return start;
  }

  /** After `count`: how many parts start in [from, to). */
  partsIn(from: number, to: number): number {
    let parts = 0;
    for (let at = from; at < to; at += 1) if (this.length[at] !== 0) parts += 1;
    return parts;
  }

  /** Lets the arrays of a long pre-token go. */
  release(): void {
    this.reserve(0, true);
  }

  /**
   * The rank of the token that the parts at `left` and `right` (ending at `end`) make together,
   * or NONE. A part is always a token, so a pair of parts is a pair of ranks: the answer for each
   * pair of ranks is kept in a small direct-mapped cache before the bytes are looked up.
   */
  private pairOf(bytes: string, left: number, right: number, end: number): number {
    this.lookups += 1;
    const leftRank = this.partRank[left]!;
    const rightRank = this.partRank[right]!;
    const key = leftRank * RANK_SPAN + rightRank;
    const slot = (Math.imul(leftRank, 0x9e3779b1) ^ rightRank) & PAIR_CACHE_MASK;
    if (this.pairCacheKey[slot] === key) return this.pairCacheRank[slot]!;
    const rank =
      (this.pairs !== undefined
        ? this.pairs.get(leftRank, rightRank)
        : this.table.byBytes.get(bytes.substring(left, end))) ?? NONE;
    this.pairCacheKey[slot] = key;
    this.pairCacheRank[slot] = rank;
    return rank;
  }

  /** Gives the pair at part `start` the rank `rank` and puts it at the end of that rank's bucket. */
  private enter(start: number, rank: number): void {
    this.pairRank[start] = rank;
    const tail = this.bucketTail[rank]!;
    this.bucketPrevious[start] = tail;
    this.bucketNext[start] = -1;
    if (tail < 0) {
      this.bucketHead[rank] = start;
      this.queue(rank);
    } else {
      this.bucketNext[tail] = start;
    }
    this.bucketTail[rank] = start;
  }

  /** Takes the pair at part `start` out of its bucket, if it is in one; its rank becomes NONE. */
  private leave(start: number): void {
    const next = this.bucketNext[start]!;
    if (next !== DETACHED) {
      const rank = this.pairRank[start]!;
      const previous = this.bucketPrevious[start]!;
      if (previous < 0) this.bucketHead[rank] = next;
      else this.bucketNext[previous] = next;
      if (next < 0) this.bucketTail[rank] = previous;
      else this.bucketPrevious[next] = previous;
      this.bucketNext[start] = DETACHED;
    }
    this.pairRank[start] = NONE;
  }

  /** Moves a rank's bucket into `taken`, ordered by position; returns how many pairs it held. */
  private takeBucket(rank: number): number {
    let count = 0;
    let ordered = true;
    let last = -1;
    for (let start = this.bucketHead[rank]!; start >= 0; ) {
      if (count === this.taken.length) {
        const grown = new Int32Array(2 * count);
        grown.set(this.taken);
        this.taken = grown;
      }
      this.taken[count] = start;
      count += 1;
      if (start < last) ordered = false;
      last = start;
      const next = this.bucketNext[start]!;
      this.bucketNext[start] = DETACHED;
      start = next;
    }
    this.bucketHead[rank] = -1;
    this.bucketTail[rank] = -1;
    if (!ordered) this.taken.subarray(0, count).sort();
    this.pairsTaken += count;
    return count;
  }

  /** Marks a rank as having pairs to merge. */
  private queue(rank: number): void {
    const word = rank >>> 5;
    this.queued[word]! |= 1 << (rank & 31);
    if (word < this.lowestQueued) this.lowestQueued = word;
  }

  /** Takes the lowest rank that has pairs to merge off the queue; -1 when there is none. */
  private nextRank(): number {
    const queued = this.queued;
    for (let word = this.lowestQueued; word < queued.length; word += 1) {
      this.queueReads += 1;
      const bits = queued[word]!;
      if (bits !== 0) {
        this.lowestQueued = word;
        queued[word] = bits & (bits - 1);
        return word * 32 + 31 - Math.clz32(bits & -bits);
      }
    }
    this.lowestQueued = queued.length;
    return -1;
  }

  /** Makes the arrays hold `size` bytes; `shrink` lets larger ones go. */
  private reserve(size: number, shrink = false): void {
    if (this.length.length >= size && !shrink) return;
    const capacity = shrink || size > KEEP_BYTES ? size : Math.max(size, 2 * this.length.length, 64);
    this.length = new Uint8Array(capacity);
    this.previousLength = new Uint8Array(capacity);
    this.partRank = new Int32Array(capacity);
    this.pairRank = new Int32Array(capacity);
    this.bucketNext = new Int32Array(capacity);
    this.bucketPrevious = new Int32Array(capacity);
    if (shrink) this.taken = new Int32Array(64);
  }
}

/** `bucketNext` of a pair that is in no bucket. */
const DETACHED = -2;

function record(log: MergeLog, rank: number, start: number): void {
  if (log.size === log.ranks.length) {
    const capacity = Math.max(64, 2 * log.size);
    const ranks = new Int32Array(capacity);
    const starts = new Int32Array(capacity);
    ranks.set(log.ranks);
    starts.set(log.starts);
    log.ranks = ranks;
    log.starts = starts;
  }
  log.ranks[log.size] = rank;
  log.starts[log.size] = start;
  log.size += 1;
}
