import { displayable } from "../display";
import { isClosedPipe } from "./closed-output";
import { type CliCommand, type CliIo, EXIT, type ExitCode } from "./command";
import { COMMANDS } from "./commands";
import { CliFileError, CliUsageError } from "./errors";
import { writeJson } from "./output";
import { packageVersion } from "./version";

const PROGRAM = "openai-batch";

/** The help of `openai-batch` itself: the commands, the common options and the exit codes. */
export function generalUsage(commands: readonly CliCommand[] = COMMANDS): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return `Usage: ${PROGRAM} <command> [options]

Commands:
${commands.map((command) => `  ${command.name.padEnd(width)}   ${command.summary}`).join("\n")}

Options:
  --help, -h   show the help (of a command: ${PROGRAM} <command> --help)
  --version    print the version
  --json       print the outcome as one JSON document on stdout, errors included

Exit codes:
  0   the command succeeded (for validate: every input is valid), or the reader of its output
      stopped early (| head)
  1   an input is not valid (for results: some requests did not succeed)
  2   the command line is wrong (no command too), or a file cannot be read (for results: or the
      API failed, or the batch has not finished)`;
}

/**
 * Runs `openai-batch` with the given arguments: picks the subcommand, prints help or the version,
 * and turns usage and file errors into messages (JSON under `--json`) and exit code 2.
 */
export async function runCli(
  argv: readonly string[],
  io: CliIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<ExitCode> {
  const [verb, ...rest] = argv;
  const json = argv.includes("--json");
  if (verb === undefined) {
    // No command is a wrong command line: the usage goes where errors go, and the exit code says so.
    io.stderr.write(`${generalUsage(commands)}\n`);
    return EXIT.usage;
  }
  if (verb === "--help" || verb === "-h") {
    io.stdout.write(`${generalUsage(commands)}\n`);
    return EXIT.ok;
  }
  if (verb === "--version") {
    const version = packageVersion();
    if (json) {
      writeJson(io.stdout, { name: "pulumi-openai-batch", version });
    } else {
      io.stdout.write(`${version}\n`);
    }
    return EXIT.ok;
  }
  const names = commands.map((candidate) => candidate.name).join(", ");
  if (verb === "help") {
    const [name] = rest;
    const topic = commands.find((command) => command.name === name);
    if (name !== undefined && topic === undefined) {
      const message = `no help on ${JSON.stringify(name)}: it is not a command; the commands are ${names}`;
      return reportFailure(new CliUsageError(message), undefined, json, io);
    }
    io.stdout.write(`${topic?.usage ?? generalUsage(commands)}\n`);
    return EXIT.ok;
  }
  const command = commands.find((candidate) => candidate.name === verb);
  if (command === undefined) {
    const message = verb.startsWith("-")
      ? `unknown option ${verb}; put a command first (${names})`
      : `unknown command ${JSON.stringify(verb)}; the commands are ${names}`;
    return reportFailure(new CliUsageError(message), undefined, json, io);
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.stdout.write(`${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    return reportFailure(error, command, json, io);
  }
}

function reportFailure(error: unknown, command: CliCommand | undefined, json: boolean, io: CliIo): ExitCode {
  if (isClosedPipe(error)) {
    // The reader of the output has gone (`| head -1`): nothing more to say, and nothing wrong.
    return EXIT.ok;
  }
  const prefix = command === undefined ? PROGRAM : `${PROGRAM} ${command.name}`;
  const kind = error instanceof CliUsageError ? "usage" : error instanceof CliFileError ? "file" : "internal";
  const message = displayable(error instanceof Error ? error.message : String(error));
  if (json) {
    writeJson(io.stdout, {
      ok: false,
      error: { kind, message, ...(error instanceof CliFileError ? { file: error.file } : {}) },
    });
    return EXIT.usage;
  }
  const hint =
    kind === "usage" ? `\nRun "${prefix === PROGRAM ? PROGRAM : prefix} --help" for the options.` : "";
  io.stderr.write(`${prefix}: ${message}${hint}\n`);
  return EXIT.usage;
}
