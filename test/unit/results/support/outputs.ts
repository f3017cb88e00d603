/** A resource's recorded outputs, attempts and results summary, as the results tests build them. */
import type { BatchAttempt, BatchOutputs } from "../../../../provider/contract";

export const outputs = (extra: Partial<BatchOutputs>): BatchOutputs => ({
  endpoint: "/v1/chat/completions",
  stateVersion: 1,
  uploadedInputFile: true,
  ...extra,
});

export const attempt = (batchId: string, status: BatchAttempt["status"]): BatchAttempt => ({
  batchId,
  status,
  inputFileId: `file-${batchId}`,
});

export const summary = { succeeded: 1, failed: 0, expired: 0, cancelled: 0, missing: 0, errorCodes: {} };
