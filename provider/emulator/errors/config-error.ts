const BRAND = Symbol.for("pulumi-openai-batch.emulator.EmulatorConfigError");

/**
 * An option, environment variable or command-line flag of the emulator has a value it cannot use.
 * The message names the setting, the value received and what is allowed.
 */
export class EmulatorConfigError extends Error {
  readonly [BRAND] = true;
  override readonly name = "EmulatorConfigError";

  /** The option, variable or flag at fault, e.g. `timeScale` or `OPENAI_EMULATOR_PORT`. */
  readonly setting: string;

  constructor(setting: string, message: string) {
    super(message);
    this.setting = setting;
  }
}

export function isEmulatorConfigError(value: unknown): value is EmulatorConfigError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
