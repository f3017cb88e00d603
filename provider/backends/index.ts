export { AZURE_LIMITS, azureProfile, isAzureHost } from "./azure";
export { normalizeBatch, normalizeBatchAnswer, normalizeBatchList } from "./batch-shape";
export { type CompatibleSettings, compatibleProfile } from "./compatible";
export { azureResourceRoot, type BackendConnection, type Credentials, connectionOf } from "./connection";
export { OPENAI_PROFILE, openAiProfile } from "./openai";
export {
  GROQ_PRESET,
  PRESET_NAMES,
  PRESETS,
  type PresetName,
  presetOfHost,
  TOGETHER_PRESET,
} from "./presets";
export {
  type BackendKind,
  type BackendLimits,
  type BackendProfile,
  canonicalEndpoint,
  endpointNames,
  lineUrlsOf,
  modelOfName,
  type PriceSource,
  type SecondsRange,
  sentEndpointOf,
} from "./profile";
export {
  BACKEND_KINDS,
  type BackendChoice,
  type BackendSettingName,
  type BackendSettingValues,
  chooseBackend,
} from "./select";
