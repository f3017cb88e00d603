const BRAND = Symbol.for("pulumi-openai-batch.emulator.EmulatorStateError");

/**
 * The persisted state in a data directory cannot be read: it is not JSON, not an emulator state
 * file, or written by an unknown version. The emulator stops rather than start empty, so that no
 * state is ever wiped silently.
 */
export class EmulatorStateError extends Error {
  readonly [BRAND] = true;
  override readonly name = "EmulatorStateError";

  /** The state file that could not be read. */
  readonly file: string;

  constructor(file: string, message: string) {
    super(message);
    this.file = file;
  }
}

export function isEmulatorStateError(value: unknown): value is EmulatorStateError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
