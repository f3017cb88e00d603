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
