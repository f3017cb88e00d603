import { CliUsageError } from "./errors";

/** One option a command accepts: a switch (`--json`) or an option that takes a value. */
export interface OptionSpec {
  readonly type: "boolean" | "string";
  /** For string options: an example shown when the value is missing, e.g. `/v1/embeddings`. */
  readonly example?: string;
}

export interface ParsedOptions {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  /** The arguments that are not options, in order. `-` (stdin) is one of them. */
  readonly positionals: readonly string[];
}

/**
 * Reads `--name`, `--name value` and `--name=value` options and the positional arguments. `--`
 * ends the options. Pure: no I/O. Throws `CliUsageError` naming the option that is wrong.
 */
export function parseOptions(
  args: readonly string[],
  spec: Readonly<Record<string, OptionSpec>>,
): ParsedOptions {
  const values: Record<string, string | boolean | undefined> = {};
  const positionals: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index]!;
    if (arg === "--") {
      positionals.push(...args.slice(index + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const option = arg.startsWith("--") ? spec[name] : undefined;
    if (option === undefined) {
      throw new CliUsageError(`unknown option ${equals === -1 ? arg : arg.slice(0, equals)}`);
    }
    if (option.type === "boolean") {
      if (equals !== -1) {
        throw new CliUsageError(`--${name} takes no value`);
      }
      values[name] = true;
      continue;
    }
    const value = equals === -1 ? args[index + 1] : arg.slice(equals + 1);
    if (equals === -1) {
      index += 1;
    }
    if (value === undefined || value === "" || (equals === -1 && value.startsWith("--"))) {
      const hint = option.example === undefined ? "" : `, e.g. --${name} ${option.example}`;
      throw new CliUsageError(`--${name} needs a value${hint}`);
    }
    values[name] = value;
  }
  return { values, positionals };
}
