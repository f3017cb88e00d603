export {
  type ApiErrorDetails,
  adviceOf,
  BatchApiError,
  isBatchApiError,
  type SettingsAdvice,
  type UnknownOutcomeRecord,
} from "./api-error";
export { BatchInputError, type InputProblem, isBatchInputError } from "./input-error";
export { BatchInputFileError, isBatchInputFileError } from "./input-file-error";
export { BatchWaitError, isBatchWaitError } from "./wait-error";
