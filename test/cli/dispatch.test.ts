import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string })
  .version;

describe("openai-batch (the built command, as a process)", () => {
  test("--help lists the commands and the exit codes on stdout, exit 0", async () => {
    const run = await runBin(OPENAI_BATCH_BIN, ["--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Usage: openai-batch <command> \[options\]/);
    expect(run.stdout).toMatch(/^ {2}validate {3}check Batch API input files/m);
    expect(run.stdout).toContain("Exit codes:\n  0   the command succeeded");
    expect(run.stdout).toContain(
      "  2   the command line is wrong (no command too), or a file cannot be read",
    );
  });

  test("no arguments is a usage error: the same help on stderr, nothing on stdout, exit 2", async () => {
    const [bare, help] = await Promise.all([
      runBin(OPENAI_BATCH_BIN, []),
      runBin(OPENAI_BATCH_BIN, ["--help"]),
    ]);
    expect(bare).toEqual({ code: 2, signal: null, stdout: "", stderr: help.stdout });
  });

  test("help on a word that is no command is a usage error, exit 2", async () => {
    expect(await runBin(OPENAI_BATCH_BIN, ["help", "upload"])).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `openai-batch: no help on "upload": it is not a command; the commands are validate, estimate, results\nRun "openai-batch --help" for the options.\n`,
    });
  });

  test("a command's --help prints its own usage", async () => {
    const run = await runBin(OPENAI_BATCH_BIN, ["validate", "--help"]);
    expect(run).toMatchObject({ code: 0, stderr: "" });
    expect(run.stdout).toMatch(/^Usage: openai-batch validate /);
    expect(await runBin(OPENAI_BATCH_BIN, ["help", "validate"])).toEqual(run);
  });

  test("--version prints the package's version, and as JSON under --json", async () => {
    expect(await runBin(OPENAI_BATCH_BIN, ["--version"])).toEqual({
      code: 0,
      signal: null,
      stdout: `${VERSION}\n`,
      stderr: "",
    });
    const json = await runBin(OPENAI_BATCH_BIN, ["--version", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ name: "pulumi-openai-batch", version: VERSION });
  });

  test("an unknown command is a usage error on stderr, exit 2", async () => {
    const run = await runBin(OPENAI_BATCH_BIN, ["upload", "a.jsonl"]);
    expect(run).toEqual({
      code: 2,
      signal: null,
      stdout: "",
      stderr: `openai-batch: unknown command "upload"; the commands are validate, estimate, results\nRun "openai-batch --help" for the options.\n`,
    });
  });

  test("under --json a usage error is one JSON document on stdout, exit 2", async () => {
    const run = await runBin(OPENAI_BATCH_BIN, ["validate", "--json", "--fast"]);
    expect(run).toMatchObject({ code: 2, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({
      ok: false,
      error: { kind: "usage", message: "unknown option --fast" },
    });
  });
});
