const BRAND = Symbol.for("pulumi-openai-batch.emulator.EmulatorUsageError");

/** Why a control call (advance, setBatchStatus, setFaults...) was refused. */
export type EmulatorUsageReason = "invalid_argument" | "not_found" | "conflict";

/**
 * A control call of the emulator (programmatic or through the admin API) was refused: an unknown
 * batch, a status the batch cannot be forced into, a negative clock step.
 */
export class EmulatorUsageError extends Error {
  readonly [BRAND] = true;
  override readonly name = "EmulatorUsageError";
  readonly reason: EmulatorUsageReason;

  constructor(reason: EmulatorUsageReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

export function isEmulatorUsageError(value: unknown): value is EmulatorUsageError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
