import type { EncodingName } from "../encodings";

/**
 * The tokens of one byte-pair encoding and their ranks, looked up by their bytes. The ranks are
 * the tables that gpt-tokenizer ships (OpenAI's published o200k_base and cl100k_base).
 */
export interface RankTable {
  readonly encoding: EncodingName;
  /** Rank by the token's bytes, one latin1 character per byte. ASCII tokens are their own text. */
  readonly byBytes: ReadonlyMap<string, number>;
  /** Rank by the token's text, for tokens that are whole UTF-8 characters and not all ASCII. */
  readonly byText: ReadonlyMap<string, number>;
  /** The byte length of the longest token: a longer pair of parts is never looked up. */
  readonly longestTokenBytes: number;
  /** Rank of each single byte (every byte is a token), by the byte. */
  readonly byteRank: Int32Array;
  /** Rank of each two-byte token by `first << 8 | second`, or -1 where the pair is not a token. */
  readonly bytePairRank: Int32Array;
  /** The byte length of each token, by rank. */
  readonly tokenBytes: Uint8Array;
}

type RawRanks = readonly (string | readonly number[])[];

const loaded = new Map<EncodingName, RankTable>();

/**
 * The rank table of an encoding, built on first use (a few hundred milliseconds and about 20 MiB
 * for o200k_base), so a process that counts only one encoding never loads the other.
 */
export function rankTable(encoding: EncodingName): RankTable {
  let table = loaded.get(encoding);
  if (table === undefined) {
    table = buildRankTable(rawRanks(encoding), encoding);
    loaded.set(encoding, table);
  }
  return table;
}

/** Builds a table from ranks as gpt-tokenizer ships them: the token's text, or its bytes when they are not UTF-8. */
export function buildRankTable(ranks: RawRanks, encoding: EncodingName): RankTable {
  const byBytes = new Map<string, number>();
  const byText = new Map<string, number>();
  let longest = 0;
  const tokenBytes = new Uint8Array(ranks.length);
  ranks.forEach((token, rank) => {
    if (typeof token === "string") {
      if (isAscii(token)) {
        byBytes.set(token, rank);
        tokenBytes[rank] = token.length;
        longest = Math.max(longest, token.length);
        return;
      }
      const bytes = Buffer.from(token, "utf8");
      byText.set(token, rank);
      byBytes.set(bytes.toString("latin1"), rank);
      tokenBytes[rank] = bytes.length;
      longest = Math.max(longest, bytes.length);
      return;
    }
    byBytes.set(Buffer.from(token).toString("latin1"), rank);
    tokenBytes[rank] = token.length;
    longest = Math.max(longest, token.length);
  });
  const byteRank = new Int32Array(256).fill(-1);
  const bytePairRank = new Int32Array(65536).fill(-1);
  for (let first = 0; first < 256; first += 1) {
    byteRank[first] = byBytes.get(String.fromCharCode(first)) ?? -1;
    for (let second = 0; second < 256; second += 1) {
      bytePairRank[(first << 8) | second] = byBytes.get(String.fromCharCode(first, second)) ?? -1;
    }
  }
  return {
    encoding,
    byBytes,
    byText,
    longestTokenBytes: longest,
    byteRank,
    bytePairRank,
    tokenBytes,
  };
}

/** True when every character of a text is ASCII (so its UTF-8 bytes are its characters). */
export function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 0x7f) return false;
  }
  return true;
}

function rawRanks(encoding: EncodingName): RawRanks {
  // Required on demand: each module is a large array, built when loaded.
  const module =
    encoding === "o200k_base"
      ? (require("gpt-tokenizer/bpeRanks/o200k_base") as { default: RawRanks })
      : (require("gpt-tokenizer/bpeRanks/cl100k_base") as { default: RawRanks });
  return module.default;
}

/**
 * The token that two tokens make together, by their ranks: for every token and every way to cut
 * it into two tokens, (left rank, right rank) → its rank. A merge then looks a pair of parts up
 * by two numbers rather than by their bytes. The pairs of each left rank, sorted by right rank,
 * in typed arrays: o200k_base has about 446,000 such pairs (4 MiB), cl100k_base about 233,000 (2 MiB); built on
 * first use (a few hundred milliseconds), by a merge of a long pre-token.
 */
export class PairRanks {
  /** Where the pairs of each left rank start in `right` and `rank`; those of left rank r end where r + 1's start. */
  private readonly starts: Int32Array;
  /** The right ranks, ascending within each left rank, and the rank of each pair. */
  private readonly right: Int32Array;
  private readonly rank: Int32Array;
  /**
   * One bit per hash of a pair, set for every pair there is: most pairs looked up are no token
   * (nine in ten in a long random word), and a clear bit answers that from 512 KiB, in the cache.
   */
  private readonly filter = new Int32Array(FILTER_BITS / 32);

  constructor(table: RankTable) {
    let pairs = new Int32Array(3 * 1024 * 1024);
    let count = 0;
    for (const [bytes, rank] of table.byBytes) {
      for (let cut = 1; cut < bytes.length; cut += 1) {
        const left = table.byBytes.get(bytes.slice(0, cut));
        if (left === undefined) continue;
        const right = table.byBytes.get(bytes.slice(cut));
        if (right === undefined) continue;
        if (count + 3 > pairs.length) {
          const grown = new Int32Array(2 * pairs.length);
          grown.set(pairs);
          pairs = grown;
        }
        pairs[count] = left;
        pairs[count + 1] = right;
        pairs[count + 2] = rank;
        count += 3;
      }
    }
    const ranks = table.tokenBytes.length;
    this.starts = new Int32Array(ranks + 1);
    for (let index = 0; index < count; index += 3) {
      this.starts[pairs[index]! + 1]! += 1;
      const bit = filterBit(pairs[index]!, pairs[index + 1]!);
      this.filter[bit >>> 5]! |= 1 << (bit & 31);
    }
    for (let left = 0; left < ranks; left += 1) this.starts[left + 1]! += this.starts[left]!;
    const filled = this.starts.slice(0, ranks);
    this.right = new Int32Array(count / 3);
    this.rank = new Int32Array(count / 3);
    for (let index = 0; index < count; index += 3) {
      const at = filled[pairs[index]!]!;
      filled[pairs[index]!] = at + 1;
      this.right[at] = pairs[index + 1]!;
      this.rank[at] = pairs[index + 2]!;
    }
    // Each left rank's pairs by right rank, for a binary search.
    for (let left = 0; left < ranks; left += 1) {
      const from = this.starts[left]!;
      const to = this.starts[left + 1]!;
      if (to - from < 2) continue;
      const order = Array.from({ length: to - from }, (_, index) => from + index).sort(
        (a, b) => this.right[a]! - this.right[b]!,
      );
      const rights = order.map((at) => this.right[at]!);
      const pairRanks = order.map((at) => this.rank[at]!);
      this.right.set(rights, from);
      this.rank.set(pairRanks, from);
    }
  }

  /** The rank of the token made of the tokens `left` and `right`, or undefined. */
  get(left: number, right: number): number | undefined {
    const bit = filterBit(left, right);
    if ((this.filter[bit >>> 5]! & (1 << (bit & 31))) === 0) return undefined;
    let low = this.starts[left]!;
    let high = this.starts[left + 1]! - 1;
    const rights = this.right;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const found = rights[middle]!;
      if (found === right) return this.rank[middle];
      if (found < right) low = middle + 1;
      else high = middle - 1;
    }
    return undefined;
  }
}

const FILTER_BITS = 1 << 22;

function filterBit(left: number, right: number): number {
  return (Math.imul(left, 0x9e3779b1) ^ Math.imul(right, 0x85ebca6b)) >>> 10;
}

const pairRanks = new WeakMap<RankTable, PairRanks>();

/** The pair table of a rank table, built on first use. */
export function pairRanksOf(table: RankTable): PairRanks {
  let pairs = pairRanks.get(table);
  if (pairs === undefined) {
    pairs = new PairRanks(table);
    pairRanks.set(table, pairs);
  }
  return pairs;
}
