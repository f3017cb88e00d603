/**
 * The typing a user's program meets: test/types/fixture/program.ts and the README's first program
 * are compiled by tsc against the built declarations (dist/, as the package ships them). They must
 * compile with no error, and each line marked `@ts-expect-error` must fail on its own: a copy
 * without those markers must fail on exactly those lines.
 */
import { execFile } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

const execFileAsync = promisify(execFile);
const FIXTURE = join(REPO_ROOT, "test", "types", "fixture");
const MARKER = "// @ts-expect-error";

const project = mkdtempSync(join(tmpdir(), "typing-"));
afterAll(() => rmSync(project, { recursive: true, force: true }));

/** Runs tsc on the project and returns its diagnostics, one per line ("file(line,col): error ..."). */
async function typeCheck(dir: string): Promise<string[]> {
  const tsc = join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
  try {
    await execFileAsync(process.execPath, [tsc, "-p", dir, "--pretty", "false"], { cwd: dir });
    return [];
  } catch (error) {
    const { stdout } = error as { stdout?: string };
    if (stdout === undefined || stdout.trim() === "") throw error;
    return stdout.split("\n").filter((line) => /\berror TS\d+/.test(line));
  }
}

test("a program with short requests, arrays declared apart or from JSON, and a string endpoint compiles; the marked lines do not", async () => {
  cpSync(FIXTURE, project, { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(project, "node_modules"), "dir");
  const source = readFileSync(join(FIXTURE, "program.ts"), "utf8").split("\n");
  // The copy keeps every line (so line numbers match) but turns the markers into plain comments.
  const expectedLines = source.flatMap((line, index) =>
    line.trimStart().startsWith(MARKER) ? [index + 2] : [],
  );
  expect(expectedLines.length).toBeGreaterThanOrEqual(3);
  writeFileSync(
    join(project, "unmarked.ts"),
    source.map((line) => line.replace(MARKER, "// expected to fail:")).join("\n"),
  );
  const tsconfig = JSON.parse(readFileSync(join(FIXTURE, "tsconfig.json"), "utf8")) as { files: string[] };
  tsconfig.files = ["program.ts", "unmarked.ts"];
  writeFileSync(join(project, "tsconfig.json"), JSON.stringify(tsconfig));

  const diagnostics = await typeCheck(project);
  const inProgram = diagnostics.filter((d) => d.startsWith("program.ts"));
  expect(inProgram).toEqual([]);
  const failedLines = [
    ...new Set(
      diagnostics
        .filter((d) => d.startsWith("unmarked.ts"))
        .map((d) => Number(/^unmarked\.ts\((\d+),/.exec(d)?.[1])),
    ),
  ];
  expect(failedLines).toEqual(expectedLines);
  expect(diagnostics.filter((d) => !d.startsWith("program.ts") && !d.startsWith("unmarked.ts"))).toEqual([]);
}, 120_000);
