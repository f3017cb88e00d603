/**
 * The encoding the emulator counts a model's tokens with, from the model table that ships with
 * tiktoken (the tokenizer the emulator counts with): a model it names exactly, else the longest
 * model it names that the model's name starts with (`gpt-4o-mini-2099-01-01` is a `gpt-4o-mini`),
 * else o200k_base, the encoding of current models. A fine-tuned model (`ft:gpt-4o-mini:org::id`)
 * counts as its base model.
 */
export type TiktokenEncodingName =
  | "o200k_base"
  | "cl100k_base"
  | "p50k_base"
  | "p50k_edit"
  | "r50k_base"
  | "gpt2";

const DEFAULT_ENCODING: TiktokenEncodingName = "o200k_base";

let table: ReadonlyMap<string, TiktokenEncodingName> | undefined;

function modelTable(): ReadonlyMap<string, TiktokenEncodingName> {
  table ??= new Map(
    Object.entries(require("tiktoken/model_to_encoding.json") as Record<string, TiktokenEncodingName>),
  );
  return table;
}

export function encodingForModel(model: unknown): TiktokenEncodingName {
  if (typeof model !== "string") return DEFAULT_ENCODING;
  const base = (model.startsWith("ft:") ? model.slice(3).split(":")[0]! : model).toLowerCase();
  const models = modelTable();
  const exact = models.get(base);
  if (exact !== undefined) return exact;
  let family: string | undefined;
  for (const name of models.keys()) {
    if (base.startsWith(name) && (family === undefined || name.length > family.length)) family = name;
  }
  return family === undefined ? DEFAULT_ENCODING : models.get(family)!;
}
