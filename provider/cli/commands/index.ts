import type { CliCommand } from "../command";
import { estimateCommand } from "./estimate";
import { resultsCommand } from "./results";
import { validateCommand } from "./validate";

/**
 * The subcommands of `openai-batch`, in the order `--help` lists them. A new subcommand is a
 * module of its own in this folder plus one import and one entry here.
 */
export const COMMANDS: readonly CliCommand[] = [
  validateCommand,
  estimateCommand,
  resultsCommand,
  // One entry per line, so that commands added side by side merge cleanly.
];
