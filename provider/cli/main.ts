#!/usr/bin/env node
import { displayable } from "../display";
import { exitQuietlyWhenReaderGoes } from "./closed-output";
import { runCli } from "./dispatch";
import { exitOnSignals } from "./signals";

/** The `openai-batch` command. Each subcommand lives in ./commands; see ./dispatch for the rest. */
exitOnSignals();
exitQuietlyWhenReaderGoes([process.stdout, process.stderr]);
runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  cwd: process.cwd(),
}).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `openai-batch: ${displayable(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exitCode = 2;
  },
);
