/**
 * A local, stateful emulator of the OpenAI Files, Batches and Uploads API, for tests and demos.
 *
 *   const emulator = await startEmulator({ manualClock: true });
 *   const client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey });
 */

export { DEFAULT_DURATIONS, ENV as EMULATOR_ENV } from "./config";
export { startEmulator } from "./emulator";
export { EmulatorConfigError, isEmulatorConfigError } from "./errors/config-error";
export { EmulatorStateError, isEmulatorStateError } from "./errors/state-error";
export { EmulatorUsageError, type EmulatorUsageReason, isEmulatorUsageError } from "./errors/usage-error";
export { FAIL_FIELD } from "./execution/execute-request";
export type {
  Emulator,
  EmulatorDurations,
  EmulatorOptions,
  FaultKind,
  FaultRule,
  OutputOrderName,
  RecordedCall,
  SetBatchStatusOptions,
} from "./types";
export { VALIDATION_CODES } from "./validation/codes";
