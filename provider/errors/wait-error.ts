import type { BatchOutputs, BatchStatus } from "../contract";
import { displayable } from "../display";
import { ERROR_BRAND, hasBrand } from "./brand";

/**
 * The batch exists but did not reach `completed`: it failed, expired, was cancelled, or the wait
 * timed out. The dynamic-provider host reads `id`, `properties` and `reasons` and records the batch
 * in the state as "created but failed to initialise", so it is never orphaned; the next
 * `pulumi up` resumes through `update`.
 */
export class BatchWaitError extends Error {
  readonly [ERROR_BRAND] = "wait" as const;
  override readonly name = "BatchWaitError";
  /** The batch id, read by the dynamic-provider host. */
  readonly id: string;
  /** The full outputs, read by the dynamic-provider host. */
  readonly properties: BatchOutputs;
  /** One line each, read by the dynamic-provider host. */
  readonly reasons: string[];
  readonly lastStatus: BatchStatus | undefined;

  /** `reason` is shown to a person: the server's text in it is made displayable. */
  constructor(id: string, properties: BatchOutputs, reason: string) {
    const shown = displayable(reason);
    super(shown);
    this.id = id;
    this.properties = properties;
    this.reasons = [shown];
    this.lastStatus = properties.status;
  }
}

export function isBatchWaitError(value: unknown): value is BatchWaitError {
  return hasBrand(value, "wait");
}
