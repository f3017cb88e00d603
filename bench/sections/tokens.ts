import { textCounter } from "../../provider/cost/tokenizer";
import { MIB, mibPerSecond, ratio } from "../lib/stats";
import type { Assertion, Row, SectionOptions, SectionResult } from "../report/types";
import { benchText, TEXT_KINDS, type TextKind } from "./token-texts";

const KIB = 1024;
/** The target, and the assertion of both modes: no kind of text counts more than 4× slower than English of its size. */
const MAX_RATIO_TO_ENGLISH = 4;
const ROUNDS = 5;
/** The reference (gpt-tokenizer's own counter, quadratic in a word's length) is timed on this one word only. */
const REFERENCE_WORD_BYTES = 64 * KIB;

/**
 * Times one count: the CPU time it takes in this thread, in milliseconds. Counting is work for
 * one thread and nothing else, so its CPU time is its cost; wall time on a shared machine adds
 * whatever else runs meanwhile.
 */
function timed(count: () => number): { ms: number; tokens: number } {
  const started = process.cpuUsage();
  const tokens = count();
  const used = process.cpuUsage(started);
  return { ms: (used.user + used.system) / 1000, tokens };
}

/** The fastest of some runs: other work on the machine only ever adds time. */
function fastest(times: readonly number[]): number {
  return Math.min(...times);
}

/**
 * Figure 9: counting time against text size, for English, a long word, Chinese without spaces and
 * a DNA sequence (the last three are one pre-token each, where byte-pair merging is quadratic in
 * the reference implementations), at two sizes in quick mode and three in full mode, with the
 * package's counter (o200k_base), in this process. Each size's texts are counted in turns, five
 * rounds after a first unmeasured one, and each kind's fastest CPU time is compared with
 * English's.
 */
export async function runTokensSection(options: SectionOptions): Promise<Omit<SectionResult, "durationMs">> {
  const sizes = options.quick ? [128 * KIB, 512 * KIB] : [1 * MIB, 4 * MIB, 16 * MIB];
  const count = textCounter("o200k_base");
  const rows: Row[] = [];
  const assertions: Assertion[] = [];
  const perMiB = new Map<TextKind, number[]>();
  for (const size of sizes) {
    const label = size >= MIB ? `${size / MIB} MiB` : `${size / KIB} KiB`;
    const texts = TEXT_KINDS.map((kind) => [kind, benchText(kind, size)] as const);
    const times = new Map<TextKind, number[]>(TEXT_KINDS.map((kind) => [kind, []]));
    const tokens = new Map<TextKind, number>();
    for (let round = 0; round <= ROUNDS; round += 1) {
      for (const [kind, text] of texts) {
        const run = timed(() => count(text));
        tokens.set(kind, run.tokens);
        if (round > 0) times.get(kind)!.push(run.ms);
      }
    }
    const english = fastest(times.get("English")!);
    const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");
    rows.push({
      name: `English, ${label}: time (${tokens.get("English")!.toLocaleString("en-US")} tokens)`,
      value: english,
      unit: "ms",
    });
    for (const [kind, text] of texts) {
      const ms = fastest(times.get(kind)!);
      perMiB.set(kind, [...(perMiB.get(kind) ?? []), ms / (bytesOf(text) / MIB)]);
      if (kind === "English") continue;
      const factor = ratio(ms, english);
      rows.push({
        name: `${kind}, ${label}: time (${tokens.get(kind)!.toLocaleString("en-US")} tokens)`,
        value: ms,
        unit: "ms",
        baseline: { name: `English, ${label}`, value: english },
        ratio: factor,
        target: `≤ ${MAX_RATIO_TO_ENGLISH}× English`,
        met: factor !== null && factor <= MAX_RATIO_TO_ENGLISH,
      });
      assertions.push({
        name: `tokens: ${kind}, ${label}, counts within ${MAX_RATIO_TO_ENGLISH}× the time of English of its size`,
        pass: factor !== null && factor <= MAX_RATIO_TO_ENGLISH && tokens.get(kind)! > 0,
        detail: `${ms.toFixed(1)} ms against ${english.toFixed(1)} ms (${factor?.toFixed(2)}×), ${mibPerSecond(bytesOf(text), ms).toFixed(1)} MiB/s`,
      });
    }
  }
  const first = sizes[0]!;
  const last = sizes[sizes.length - 1]!;
  for (const kind of TEXT_KINDS) {
    const [small, large] = [perMiB.get(kind)![0]!, perMiB.get(kind)![sizes.length - 1]!];
    rows.push({
      name: `${kind}: time per MiB at ${last / first}× the size`,
      value: large,
      unit: "ms/MiB",
      baseline: { name: `at ${first >= MIB ? `${first / MIB} MiB` : `${first / KIB} KiB`}`, value: small },
      ratio: ratio(large, small),
    });
  }
  if (!options.quick) {
    const word = benchText("long word", REFERENCE_WORD_BYTES);
    const reference =
      require("gpt-tokenizer/encoding/o200k_base") as typeof import("gpt-tokenizer/encoding/o200k_base");
    const referenceRun = timed(() => reference.countTokens(word, { disallowedSpecial: new Set() }));
    const ownRun = timed(() => count(word));
    rows.push({
      name: `gpt-tokenizer (the counter before), long word of 64 KiB: time`,
      value: referenceRun.ms,
      unit: "ms",
      baseline: { name: "the package's counter", value: ownRun.ms },
      ratio: ratio(referenceRun.ms, ownRun.ms),
    });
    assertions.push({
      name: "tokens: the package's counter and gpt-tokenizer give the same count of the 64 KiB word",
      pass: referenceRun.tokens === ownRun.tokens,
      detail: `${ownRun.tokens} and ${referenceRun.tokens}`,
    });
  }
  return {
    id: "tokens",
    title: "9. Count the tokens of a text: time against size, by kind of text (o200k_base)",
    rows,
    assertions,
    notes: [
      `Each size's four texts are counted in turns in one process: one round unmeasured, then the fastest of ${ROUNDS}, in CPU time of the counting thread (a shared machine only adds to it). English is generated sentences; the long word is random letters with no space; CJK is Chinese characters with no space or punctuation; DNA is A, C, G and T. The last three are one pre-token each, where tiktoken's reference merge and the JavaScript tokenizers are quadratic. Sizes are UTF-8 bytes.`,
      "A pre-token over 128 KiB is merged in windows of 64 KiB whose cuts are checked (docs/cost.md, Token counting), so the time per MiB stays flat from one size to the next. The first long word also builds the table of pairs of tokens (a few hundred milliseconds), in the unmeasured round.",
    ],
  };
}
