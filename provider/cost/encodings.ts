/** The byte-pair encodings that the models served by the Batch API use. */
export type EncodingName = "o200k_base" | "cl100k_base";

export interface ModelEncoding {
  encoding: EncodingName;
  /** False when the model is not one this package knows, and the encoding is a guess (o200k_base). */
  known: boolean;
}

/** Model name prefixes of the o200k_base families: gpt-4o, gpt-4.1, gpt-4.5, gpt-5, the o-series. */
const O200K_PREFIXES = [
  "gpt-4o",
  "chatgpt-4o",
  "gpt-4.1",
  "gpt-4.5",
  "gpt-5",
  "o1",
  "o3",
  "o4",
  "gpt-oss",
  "omni-moderation",
];

/** Model name prefixes of the cl100k_base families: gpt-4 (before 4o), gpt-3.5, the embeddings, the base completions. */
const CL100K_PREFIXES = ["gpt-4", "gpt-3.5", "text-embedding-", "davinci-002", "babbage-002"];

/**
 * The encoding a model counts its tokens with. Newer families are matched first, because
 * `gpt-4o` also starts with `gpt-4`. An unknown model is counted with o200k_base, the encoding of
 * every current model, and is marked as a guess.
 */
export function encodingOf(model: string | undefined): ModelEncoding {
  const name = (model ?? "").toLowerCase();
  const fineTuned = name.startsWith("ft:") ? name.slice(3) : name;
  if (O200K_PREFIXES.some((prefix) => fineTuned.startsWith(prefix))) {
    return { encoding: "o200k_base", known: true };
  }
  if (CL100K_PREFIXES.some((prefix) => fineTuned.startsWith(prefix))) {
    return { encoding: "cl100k_base", known: true };
  }
  return { encoding: "o200k_base", known: false };
}
