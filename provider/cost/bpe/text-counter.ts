import { BytePairMerger, type MergeWork } from "./byte-pair-merge";
import { preTokenize } from "./pre-tokenizer";
import { isAscii, type RankTable } from "./rank-table";
import { WINDOW_BYTES, WindowedMerger } from "./windowed-merge";

/** Pre-tokens whose merged count is kept, and the longest one kept. Common words repeat. */
const CACHE_ENTRIES = 10_000;
const CACHE_MAX_CHARS = 64;

/** The scratch buffer for a pre-token's bytes is let go after one above this size. */
const KEEP_BYTES = 1024 * 1024;

/**
 * Counts the tokens of a text in one encoding: the text is split into pre-tokens as the
 * encoding's pattern splits it (pre-tokenizer.ts), a pre-token that is a token counts one, and
 * any other is merged byte by byte (byte-pair-merge.ts; a long one in windows,
 * windowed-merge.ts). Special-token text such as `<|endoftext|>` is plain text, as it is to the
 * API. Time grows in proportion to the text's length, whatever the text.
 */
export class BpeTextCounter {
  private bytes = Buffer.allocUnsafe(256);
  private readonly merger: BytePairMerger;
  private readonly windowed: WindowedMerger;
  private readonly merged = new Map<string, number>();

  constructor(private readonly table: RankTable) {
    this.merger = new BytePairMerger(table);
    this.windowed = new WindowedMerger(table, this.merger);
  }

  count(text: string, work?: MergeWork): number {
    let tokens = 0;
    preTokenize(text, this.table.encoding, (start, end) => {
      tokens += this.pieceTokens(text.substring(start, end), work);
    });
    return tokens;
  }

  private pieceTokens(piece: string, work: MergeWork | undefined): number {
    const ascii = isAscii(piece);
    if ((ascii ? this.table.byBytes : this.table.byText).has(piece)) return 1;
    const cached = this.merged.get(piece);
    if (cached !== undefined) return cached;
    const bytes = ascii ? piece : this.latin1Bytes(piece);
    const tokens =
      bytes.length > 2 * WINDOW_BYTES
        ? this.windowed.count(bytes, work)
        : this.merger.count(bytes, work === undefined ? {} : { work });
    if (piece.length <= CACHE_MAX_CHARS) {
      if (this.merged.size >= CACHE_ENTRIES) {
        const oldest = this.merged.keys().next().value;
        if (oldest !== undefined) this.merged.delete(oldest);
      }
      this.merged.set(piece, tokens);
    }
    return tokens;
  }

  /** The UTF-8 bytes of a text, one latin1 character per byte. */
  private latin1Bytes(text: string): string {
    // A UTF-16 unit is at most 3 bytes of UTF-8 (a surrogate pair, 2 units, is 4).
    const capacity = 3 * text.length;
    if (this.bytes.length < capacity)
      this.bytes = Buffer.allocUnsafe(Math.max(capacity, 2 * this.bytes.length));
    const bytes = this.bytes.toString("latin1", 0, this.bytes.write(text, 0, "utf8"));
    if (this.bytes.length > KEEP_BYTES) this.bytes = Buffer.allocUnsafe(256);
    return bytes;
  }
}
