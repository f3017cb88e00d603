import type { BackendProfile } from "./profile";
import { ownUrls } from "./profile";

export type PresetName = "groq" | "together";
export const PRESET_NAMES: readonly PresetName[] = ["groq", "together"];

/** What a preset sets of a compatible backend's profile; the rest is OpenAI's. */
export type Preset = Pick<
  BackendProfile,
  | "name"
  | "endpoints"
  | "limits"
  | "outputExpiry"
  | "filePurpose"
  | "maxCustomIdLength"
  | "linesNeedMethodAndUrl"
  | "createToken"
>;

/**
 * Groq (console.groq.com/docs/batch and the API reference's Batches and Files sections):
 * - lines for `/v1/chat/completions`, `/v1/audio/transcriptions` and `/v1/audio/translations`;
 * - 50,000 lines a file; the guide says 200 MB, the API reference 100 MB: the smaller is used;
 * - file purpose `batch`; `metadata` is a documented parameter of a batch's create;
 * - `output_expires_after` is not a documented parameter, so it is refused here.
 */
export const GROQ_PRESET: Preset = {
  name: "Groq",
  endpoints: ownUrls(["/v1/chat/completions", "/v1/audio/transcriptions", "/v1/audio/translations"]),
  limits: { maxRequests: 50_000, maxFileBytes: 100 * 1024 * 1024, maxEmbeddingInputs: 0 },
  outputExpiry: undefined,
  filePurpose: "batch",
  maxCustomIdLength: undefined,
  linesNeedMethodAndUrl: true,
  createToken: "metadata",
};

/**
 * Together (docs.together.ai: the batch inference guide and overview, and the API reference's
 * batch create and get):
 * - lines `{custom_id, body}`, the endpoint on the batch; custom_id at most 64 characters;
 * - `/v1/chat/completions` (and the audio endpoints for its whisper model);
 * - 50,000 requests and 100 MB a file; file purpose `batch-api`;
 * - the batch object has no metadata, so the create token rides in the input file's name.
 */
export const TOGETHER_PRESET: Preset = {
  name: "Together",
  endpoints: ownUrls(["/v1/chat/completions", "/v1/audio/transcriptions", "/v1/audio/translations"]),
  limits: { maxRequests: 50_000, maxFileBytes: 100 * 1024 * 1024, maxEmbeddingInputs: 0 },
  outputExpiry: undefined,
  filePurpose: "batch-api",
  maxCustomIdLength: 64,
  linesNeedMethodAndUrl: false,
  createToken: "input-file",
};

export const PRESETS: Readonly<Record<PresetName, Preset>> = {
  groq: GROQ_PRESET,
  together: TOGETHER_PRESET,
};

/** The preset a base URL's host implies: api.groq.com, api.together.xyz or api.together.ai. */
export function presetOfHost(hostname: string): PresetName | undefined {
  const host = hostname.toLowerCase();
  if (host === "api.groq.com") return "groq";
  if (host === "api.together.xyz" || host === "api.together.ai") return "together";
  return undefined;
}
