import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { seededRandom } from "../lib/prng";
import { MIB } from "../lib/stats";

/** Words of several scripts, so that the tokenizer meets what real prompts hold. */
const WORDS = [
  ..."the customer says that the application crashes when the settings page opens after an update".split(" "),
  ..."please classify this ticket as a bug a question or praise and give one short reason".split(" "),
  ..."l'application plante quand j'ouvre les réglages après la mise à jour très énervant".split(" "),
  ..."die Anwendung stürzt ab wenn ich die Einstellungen öffne".split(" "),
  ..."設定 画面 を 開く と アプリ が 落ちます 更新 の 後".split(" "),
  ..."😡 👍 🎉 🙏 ✅".split(" "),
  ...'error: TypeError at line 42 (0x1F) {"code": 500}'.split(" "),
];

/**
 * A deterministic JSONL of /v1/chat/completions requests of about `mib` MiB: a system message and
 * a user message of mixed text (English, French, German, Japanese, emoji, code) per line, each
 * with `max_tokens`. Reused when it is already there.
 */
export function ensureCostJsonl(dir: string, mib: number): string {
  const path = join(dir, `cost-chat-${mib}mib.jsonl`);
  if (existsSync(path) && statSync(path).size >= mib * MIB) {
    return path;
  }
  mkdirSync(dir, { recursive: true });
  const random = seededRandom(mib);
  const partial = `${path}.partial`;
  const fd = openSync(partial, "w");
  try {
    let written = 0;
    for (let index = 0; written < mib * MIB; index += 1) {
      const words: string[] = [];
      const count = 300 + Math.floor(random() * 500);
      for (let w = 0; w < count; w += 1) {
        words.push(WORDS[Math.floor(random() * WORDS.length)] ?? "");
      }
      const line = `${JSON.stringify({
        custom_id: `r${index}`,
        method: "POST",
        url: "/v1/chat/completions",
        body: {
          model: "gpt-4o-mini",
          max_tokens: 200,
          messages: [
            { role: "system", content: "Classify the ticket: bug, question or praise. Réponds brièvement." },
            { role: "user", content: words.join(" ") },
          ],
        },
      })}\n`;
      written += writeSync(fd, line);
    }
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  return path;
}

/** The first `mib` MiB of a JSONL file, cut at a line, for the slower reference tokenizers. */
export function ensurePrefix(source: string, mib: number): string {
  const path = `${source}.first-${mib}mib.jsonl`;
  if (existsSync(path)) {
    return path;
  }
  const { readSync } = require("node:fs") as typeof import("node:fs");
  const input = openSync(source, "r");
  const buffer = Buffer.alloc(mib * MIB);
  const read = readSync(input, buffer, 0, buffer.length, 0);
  closeSync(input);
  const end = buffer.subarray(0, read).lastIndexOf(0x0a) + 1;
  const fd = openSync(path, "w");
  writeSync(fd, buffer.subarray(0, end));
  closeSync(fd);
  return path;
}
