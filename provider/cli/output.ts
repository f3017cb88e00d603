import type { Writable } from "node:stream";

/** Writes one JSON document and a newline. Under `--json`, a command writes exactly one. */
export function writeJson(stream: Writable, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** `1 file`, `2 files`, `0 files`: the count and the word, singular only for one. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString("en-US")} ${count === 1 ? singular : pluralForm}`;
}
