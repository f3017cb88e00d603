import { openAiProfile } from "./openai";
import { PRESETS, type PresetName } from "./presets";
import { type BackendProfile, ownUrls } from "./profile";

/** The settings of an OpenAI-compatible backend; each one left out comes from the preset, then OpenAI. */
export interface CompatibleSettings {
  preset?: PresetName | undefined;
  maxRequestsPerFile?: number | undefined;
  maxBytesPerFile?: number | undefined;
  endpoints?: readonly string[] | undefined;
  filePurpose?: string | undefined;
  maxCustomIdLength?: number | undefined;
  batchMetadata?: boolean | undefined;
}

/**
 * A backend that serves OpenAI's `/v1/files` and `/v1/batches` calls with limits of its own: the
 * preset's values (Groq, Together), over OpenAI's, under the settings. No price table: prices come
 * from the `prices` argument or setting.
 */
export function compatibleProfile(
  settings: CompatibleSettings,
  models: Readonly<Record<string, string>> = {},
): BackendProfile {
  const base = openAiProfile(models);
  const preset = settings.preset === undefined ? undefined : PRESETS[settings.preset];
  const limits = preset?.limits ?? base.limits;
  const metadata =
    settings.batchMetadata ?? (preset === undefined ? true : preset.createToken === "metadata");
  return {
    ...base,
    ...(preset ?? {}),
    kind: "compatible",
    name: preset?.name ?? "the compatible API",
    endpoints:
      settings.endpoints === undefined ? (preset?.endpoints ?? base.endpoints) : ownUrls(settings.endpoints),
    limits: {
      maxRequests: settings.maxRequestsPerFile ?? limits.maxRequests,
      maxFileBytes: settings.maxBytesPerFile ?? limits.maxFileBytes,
      maxEmbeddingInputs: base.limits.maxEmbeddingInputs,
    },
    filePurpose: settings.filePurpose ?? preset?.filePurpose ?? base.filePurpose,
    maxCustomIdLength: settings.maxCustomIdLength ?? preset?.maxCustomIdLength,
    createToken: metadata ? "metadata" : "input-file",
    prices: undefined,
  };
}
