import { randomBytes } from "node:crypto";
import { open, readFile, rename } from "node:fs/promises";
import { dirname } from "node:path";
import { EmulatorStateError } from "../errors/state-error";
import type { BatchRecord, FileRecord, UploadRecord } from "./records";
import { checkBatchRecord, checkFileRecord, checkUploadRecord } from "./state-shape";

export const STATE_FORMAT = "openai-batch-emulator-state";
export const STATE_VERSION = 1;

/** Everything the emulator persists. */
export interface StateSnapshot {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  apiKey: string;
  /** The emulator clock when saved, and the real time then. */
  clock: { emulatorMs: number; savedAtEpochMs: number };
  seq: number;
  files: FileRecord[];
  batches: BatchRecord[];
  uploads: UploadRecord[];
}

/** Reads the state file; undefined when there is none. Anything unreadable is an EmulatorStateError. */
export async function readState(path: string): Promise<StateSnapshot | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new EmulatorStateError(
      path,
      `Cannot read the emulator state file ${path}: ${(error as Error).message}`,
    );
  }
  return parseState(text, path);
}

/** Parses and checks the text of a state file. */
export function parseState(text: string, path: string): StateSnapshot {
  const fix = "Move the file (or the whole data directory) away to start with an empty emulator.";
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EmulatorStateError(path, `The emulator state file ${path} is not valid JSON. ${fix}`);
  }
  if (
    typeof value !== "object" ||
    value === null ||
    (value as { format?: unknown }).format !== STATE_FORMAT
  ) {
    throw new EmulatorStateError(
      path,
      `${path} is not an emulator state file (no "format": "${STATE_FORMAT}"). ${fix}`,
    );
  }
  const state = value as Record<string, unknown>;
  if (state.version !== STATE_VERSION) {
    throw new EmulatorStateError(
      path,
      `The emulator state file ${path} has version ${JSON.stringify(state.version)}; this emulator reads version ${STATE_VERSION}. ${fix}`,
    );
  }
  const problems: string[] = [];
  if (typeof state.apiKey !== "string" || state.apiKey === "") problems.push("apiKey is not a string");
  const clock = state.clock as Record<string, unknown> | undefined;
  if (typeof clock?.emulatorMs !== "number" || typeof clock.savedAtEpochMs !== "number")
    problems.push("clock is malformed");
  if (typeof state.seq !== "number") problems.push("seq is not a number");
  for (const [key, check] of [
    ["files", checkFileRecord],
    ["batches", checkBatchRecord],
    ["uploads", checkUploadRecord],
  ] as const) {
    const list = state[key];
    if (!Array.isArray(list)) {
      problems.push(`${key} is not an array`);
      continue;
    }
    list.forEach((record: unknown, index: number) => {
      const problem = check(record);
      if (problem !== undefined) problems.push(`${key}[${index}]: ${problem}`);
    });
  }
  if (problems.length > 0) {
    throw new EmulatorStateError(
      path,
      `The emulator state file ${path} is damaged: ${problems.slice(0, 5).join("; ")}. ${fix}`,
    );
  }
  return value as StateSnapshot;
}

/** Writes the state atomically: a temporary file, flushed, renamed over the old one. */
export async function writeStateAtomic(path: string, state: StateSnapshot): Promise<void> {
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  const handle = await open(temp, "w");
  try {
    await handle.writeFile(JSON.stringify(state));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(temp, path);
  const dir = await open(dirname(path), "r");
  try {
    await dir.sync();
  } catch {
    // Some file systems cannot flush a directory; the rename is still atomic.
  } finally {
    await dir.close();
  }
}
