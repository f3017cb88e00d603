#!/usr/bin/env node
import { parseCliArgs, USAGE } from "./cli-args";
import { startEmulator } from "./emulator";
import { isEmulatorConfigError } from "./errors/config-error";
import { isEmulatorStateError } from "./errors/state-error";
import { emulatorVersion } from "./version";

/** The `openai-batch-emulator` command: starts the emulator and runs until SIGINT or SIGTERM. */
async function main(): Promise<void> {
  const command = parseCliArgs(process.argv.slice(2), process.env);
  if (command.kind === "help") {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (command.kind === "version") {
    process.stdout.write(`${emulatorVersion()}\n`);
    return;
  }
  const emulator = await startEmulator({
    ...command.options,
    ...(command.log ? { log: (line: string) => process.stderr.write(`${line}\n`) } : {}),
  });
  process.stdout.write(`OpenAI emulator listening on ${emulator.url} (api key: ${emulator.apiKey})\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`OpenAI emulator stopping (${signal}).\n`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`OpenAI emulator failed to stop cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  if (isEmulatorConfigError(error) || isEmulatorStateError(error)) {
    process.stderr.write(`openai-batch-emulator: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(`openai-batch-emulator: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
