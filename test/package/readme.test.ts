/**
 * Everything README.md shows a user, exercised, so that a snippet that goes stale fails: the
 * TypeScript snippets are type-checked against the built package; the JavaScript ones are the
 * programs test/e2e/first-use.test.ts runs; every shell command (in a block or inline in the text)
 * runs (`openai-batch validate` and `estimate`), or is parsed by the command's own parser, or names
 * scripts, config keys, outputs and types that exist; the config table lists the keys the provider
 * reads. Runs on the build (`npm run build` first, as `npm test` does).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseResultsArguments } from "../../provider/cli/commands/results-arguments";
import { SET_INPUT_DESCRIPTIONS, USER_INPUT_DESCRIPTIONS } from "../../provider/contract";
import { parseCliArgs } from "../../provider/emulator/cli-args";
import { BATCH_RESOURCE_TOKEN } from "../../provider/plugin/names";
import { checkResultsArguments, MAX_RETRY_ATTEMPTS } from "../../provider/results/check-arguments";
import { SETTING_SOURCES } from "../../provider/runtime/settings";
import { REPO_ROOT } from "../support/repo";
import { OPENAI_BATCH_BIN, runBin } from "../support/run-cli";

interface Block {
  language: string;
  text: string;
  /** The README line of the block's first line of code. */
  line: number;
  /** The `## ` heading the block is under. */
  section: string;
}

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
  name: string;
  scripts: Record<string, string>;
  peerDependencies?: Record<string, string>;
};

function readmeBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split("\n");
  let section = "";
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index]!;
    if (line.startsWith("## ")) section = line.slice(3).trim();
    const fence = /^```(\S*)\s*$/.exec(line);
    if (fence === null) continue;
    const end = lines.indexOf("```", index + 1);
    if (end < 0) throw new Error(`README.md:${index + 1}: a code block that is never closed`);
    blocks.push({
      language: fence[1]!,
      text: lines.slice(index + 1, end).join("\n"),
      line: index + 2,
      section,
    });
    index = end;
  }
  return blocks;
}

/** Shell commands: the lines of the bash blocks, and inline code in the text that is a command. */
function readmeCommands(text: string): { command: string; where: string }[] {
  const commands: { command: string; where: string }[] = [];
  for (const block of readmeBlocks(text).filter((b) => b.language === "bash")) {
    block.text.split("\n").forEach((line, offset) => {
      const command = line.replace(/\s+#.*$/, "").trim();
      if (command !== "") commands.push({ command, where: `README.md:${block.line + offset}` });
    });
  }
  const prose = text.replace(/```[\s\S]*?```/g, (block) => block.replace(/[^\n]/g, " "));
  for (const match of prose.matchAll(
    /`((?:npx openai-batch|npm run|pulumi (?:config|up|import|stack))[^`]*)`/g,
  )) {
    const line = prose.slice(0, match.index).split("\n").length;
    // `[--json]` in the text marks an option: the command is tried with it.
    commands.push({ command: match[1]!.replace(/\[([^\]]*)\]/g, "$1").trim(), where: `README.md:${line}` });
  }
  return commands;
}

/** Splits a command line into words (no quoting is used in the README's commands). */
const words = (command: string) => command.split(/\s+/);

/** The names a snippet exports, e.g. the stack outputs of the first program. */
function exportedNames(code: string): string[] {
  return [...code.matchAll(/^export const (\w+)/gm)].map((match) => match[1]!);
}

describe("README.md", () => {
  const blocks = readmeBlocks(README);

  test("has only blocks of the kinds this test exercises", () => {
    expect(blocks.length).toBeGreaterThan(5);
    for (const block of blocks) {
      expect(["ts", "js", "bash", ""], `README.md:${block.line}: a \`\`\`${block.language} block`).toContain(
        block.language,
      );
    }
  });

  test("its JavaScript programs are the ones the first-use test runs through the engine", () => {
    const firstUse = readFileSync(join(REPO_ROOT, "test", "e2e", "first-use.test.ts"), "utf8");
    const js = blocks.filter((block) => block.language === "js");
    expect(js.length).toBeGreaterThan(0);
    for (const block of js) {
      expect(
        firstUse,
        `README.md:${block.line}: the js block under "## ${block.section}" is run by no test`,
      ).toContain(`readmeBlock("${block.section}", "js")`);
      // first-use takes the first js block of a section: a second one would go untested.
      expect(js.filter((other) => other.section === block.section)).toHaveLength(1);
    }
  });

  test("its progress line sample has the shape the provider writes", () => {
    const samples = blocks.filter((block) => block.language === "" && /\bbatch_\w+ \w+:/.test(block.text));
    expect(samples.length).toBeGreaterThan(0);
    for (const sample of samples) {
      expect(sample.text).toMatch(
        /^\w[\w-]*: batch_\w+ in_progress: [\d,]+\/[\d,]+ done, [\d,]+ failed, expires in \d+h$/,
      );
    }
  });

  test("its argument table and the schema give retryFailedRequests the bounds the check enforces", () => {
    const row = README.split("\n").find((line) => line.startsWith("| `retryFailedRequests` |"));
    const bounds = `whole number from 0 to ${MAX_RETRY_ATTEMPTS}`;
    expect(row).toContain(bounds);
    expect(USER_INPUT_DESCRIPTIONS.retryFailedRequests.description).toContain(`a ${bounds}`);
    expect(SET_INPUT_DESCRIPTIONS.retryFailedRequests.description).toContain(`a ${bounds}`);
    const refused = (value: number) =>
      checkResultsArguments({ retryFailedRequests: value }).map((problem) => problem.property);
    expect([refused(0), refused(MAX_RETRY_ATTEMPTS), refused(MAX_RETRY_ATTEMPTS + 1)]).toEqual([
      [],
      [],
      ["retryFailedRequests"],
    ]);
  });

  test("its config table lists the keys and environment variables the provider reads", () => {
    const rows = [...README.matchAll(/^\| `(openai:\w+)`[^|]*\| (?:`(\w+)`)? *\|/gm)].map((m) => [
      m[1],
      m[2],
    ]);
    const expected = Object.values(SETTING_SOURCES).map((source) => [source.config, source.env]);
    expect(rows).toEqual(expected);
  });
});

describe("README.md's TypeScript snippets", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "readme-snippets-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("type-check against the built package, strict, as a user's program", () => {
    const snippets = readmeBlocks(README).filter((block) => block.language === "ts");
    expect(snippets.length).toBeGreaterThan(3);
    // A snippet that shows only a call (`Batch.get(...)`) has the import of the first program.
    const prelude = 'import { Batch, BatchSet } from "pulumi-openai-batch";\n';
    const files = snippets.map((snippet, index) => {
      const imports = /from "pulumi-openai-batch/.test(snippet.text);
      const file = join(dir, `snippet-${index}.ts`);
      writeFileSync(file, `${imports ? "" : prelude}${snippet.text}\nexport {};\n`);
      return { file, snippet, offset: imports ? 0 : 1 };
    });
    const dist = join(REPO_ROOT, "dist", "provider");
    const program = ts.createProgram(
      files.map((f) => f.file),
      {
        strict: true,
        noEmit: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.ESNext,
        moduleResolution: ts.ModuleResolutionKind.Bundler,
        types: ["node"],
        typeRoots: [join(REPO_ROOT, "node_modules", "@types")],
        skipLibCheck: true,
        paths: {
          "pulumi-openai-batch": [join(dist, "index.d.ts")],
          "pulumi-openai-batch/emulator": [join(dist, "emulator", "index.d.ts")],
        },
      },
    );
    const problems = ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n");
      const at = files.find((f) => f.file === diagnostic.file?.fileName);
      if (at === undefined || diagnostic.start === undefined) return text;
      const { line } = diagnostic.file!.getLineAndCharacterOfPosition(diagnostic.start);
      return `README.md:${at.snippet.line + line - at.offset}: ${text}`;
    });
    expect(problems).toEqual([]);
  }, 60_000);
});

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { version: string }
).version;

describe("README.md's shell commands", () => {
  const commands = readmeCommands(README);
  const firstProgram = readmeBlocks(README).find((block) => block.language === "ts")!;
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "readme-commands-"));
    const line = (id: string) =>
      JSON.stringify({
        custom_id: id,
        method: "POST",
        url: "/v1/chat/completions",
        body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `Hello ${id}` }], max_tokens: 50 },
      });
    for (const name of ["requests.jsonl", "a.jsonl", "b.jsonl"]) {
      writeFileSync(join(dir, name), `${line("q1")}\n${line("q2")}\n`);
    }
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("are all of a kind this test knows", () => {
    expect(commands.length).toBeGreaterThan(10);
    const known =
      /^(npm (run|test|install)|npx openai-batch(-emulator)? |pulumi (config set|preview|up|destroy|stack output|import|plugin install) ?)/;
    for (const { command, where } of commands) {
      expect(command, `${where}: a command this test does not exercise yet`).toMatch(known);
    }
  });

  test("npm: the scripts exist, the demo takes --destroy, and install names this package and its peer", () => {
    const demo = readFileSync(join(REPO_ROOT, "scripts", "demo.ts"), "utf8");
    for (const { command, where } of commands.filter((c) => c.command.startsWith("npm "))) {
      const [, verb, ...rest] = words(command);
      if (verb === "test") {
        expect(manifest.scripts.test, where).toBeDefined();
      } else if (verb === "run") {
        expect(manifest.scripts[rest[0]!], `${where}: npm run ${rest[0]}`).toBeDefined();
        for (const option of rest
          .slice(rest.indexOf("--") + 1)
          .filter((w) => rest.includes("--") && w.startsWith("--"))) {
          expect(demo, `${where}: the demo's option ${option}`).toContain(`"${option}"`);
        }
      } else {
        const names = rest.filter((w) => !w.startsWith("-")).map((w) => w.replace(/(.)@[^@/]*$/, "$1"));
        expect(names.length, where).toBeGreaterThan(0);
        for (const name of names) {
          expect([manifest.name, ...Object.keys(manifest.peerDependencies ?? {})], where).toContain(name);
        }
      }
    }
  });

  test("pulumi: the config keys are the provider's, the outputs the program's, the import type the plugin's", () => {
    const configKeys = Object.values(SETTING_SOURCES).map((source) => source.config);
    const outputs = exportedNames(firstProgram.text);
    for (const { command, where } of commands.filter((c) => c.command.startsWith("pulumi "))) {
      const args = words(command).slice(1);
      if (args[0] === "config") {
        const key = args.slice(2).find((w) => !w.startsWith("-"));
        expect(configKeys, `${where}: ${command}`).toContain(key);
      } else if (args[0] === "stack" && args[1] === "output") {
        expect(outputs, `${where}: ${command}`).toContain(args[2]);
      } else if (args[0] === "import" && args.length > 1) {
        expect(args[1], `${where}: ${command}`).toBe(BATCH_RESOURCE_TOKEN);
      } else if (args[0] === "plugin") {
        // The plugin's name and this release's version, and an archive named as the build names it.
        const [, , kind, name, version, flag, archive] = args;
        expect([kind, name, version, flag], `${where}: ${command}`).toEqual([
          "resource",
          "openai-batch",
          PACKAGE_VERSION,
          "--file",
        ]);
        expect(archive, `${where}: ${command}`).toBe(
          `pulumi-resource-openai-batch-v${PACKAGE_VERSION}-linux-amd64.tar.gz`,
        );
      }
    }
  });

  test("openai-batch validate and estimate run on real files and exit 0", async () => {
    const runs = commands.filter((c) => /^npx openai-batch (validate|estimate) /.test(c.command));
    expect(runs.map((r) => words(r.command)[2]).sort()).toEqual(
      expect.arrayContaining(["estimate", "validate"]),
    );
    for (const { command, where } of runs) {
      const result = await runBin(OPENAI_BATCH_BIN, words(command).slice(2), { cwd: dir });
      expect(result.code, `${where}: ${command}\n${result.stdout}${result.stderr}`).toBe(0);
    }
  }, 60_000);

  test("openai-batch results and the emulator's command line are parsed by their own parsers", () => {
    const results = commands.filter((c) => c.command.startsWith("npx openai-batch results "));
    expect(results.length).toBeGreaterThan(0);
    for (const { command, where } of results) {
      expect(parseResultsArguments(words(command).slice(3)).batchId, `${where}: ${command}`).toMatch(
        /^batch_/,
      );
    }
    const emulator = commands.filter((c) => c.command.startsWith("npx openai-batch-emulator "));
    expect(emulator.length).toBeGreaterThan(0);
    for (const { command, where } of emulator) {
      expect(parseCliArgs(words(command).slice(2), {}).kind, `${where}: ${command}`).toBe("start");
    }
    const others = commands.filter(
      (c) =>
        /^npx openai-batch /.test(c.command) &&
        !/^npx openai-batch (validate|estimate|results) /.test(c.command),
    );
    expect(others, "an openai-batch command this test does not run").toEqual([]);
  });
});
