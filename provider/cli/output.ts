import type { Writable } from "node:stream";
import { displayableJson } from "../display";

/**
 * Writes one JSON document and a newline. Under `--json`, a command writes exactly one. Characters
 * that JSON leaves raw but a terminal acts on are written as `\u` escapes (the same value).
 */
export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${displayableJson(JSON.stringify(value, null, 2))}\n`);
}

/** `1 file`, `2 files`, `0 files`: the count and the word, singular only for one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralForm}`;
}
