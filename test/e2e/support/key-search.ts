/**
 * The search for an API key's text in everything an engine run leaves: what the engine printed
 * and emitted for each operation, and every file of a workspace (state, its history and backups,
 * the stack's config, Pulumi's home).
 */
import { lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import type { TestEmulator } from "./batches";
import type { OperationRun } from "./workspace";

/** Every regular file under `dir` (symbolic links, such as the installed packages, are not followed). */
export function filesUnder(dir: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    const stat = lstatSync(path);
    if (stat.isDirectory()) files.push(...filesUnder(path));
    else if (stat.isFile()) files.push(path);
  }
  return files;
}

/** Runs engine operations against the emulator, keeping and searching what each printed and emitted. */
export class KeySearch {
  /** Every recorded operation, in order, with its output and events as text. */
  readonly runs: { operation: string; text: string }[] = [];

  constructor(
    private readonly apiKey: string,
    private readonly emulator: () => TestEmulator,
  ) {}

  /** Runs an operation, checks that it succeeded and showed no key, and keeps its text. */
  async recorded<R>(operation: string, run: () => Promise<OperationRun<R>>): Promise<OperationRun<R>> {
    const { result, error } = await this.emulator().during(run);
    expect(error).toBeUndefined();
    const text = `${result!.output}\n${JSON.stringify(result!.events)}`;
    this.runs.push({ operation, text });
    expect(text).not.toContain(this.apiKey);
    return result!;
  }

  /** No file under `root` holds the key, and the backend's history (so a state was written) is there. */
  expectNoFileHolds(root: string): void {
    const files = filesUnder(root);
    expect(files.some((f) => f.includes(join("backend", ".pulumi", "history")))).toBe(true);
    for (const file of files) expect(readFileSync(file, "latin1"), file).not.toContain(this.apiKey);
  }
}
