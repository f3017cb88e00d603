/**
 * The emulator stands apart from the provider: every module under provider/emulator/ imports only
 * modules under provider/emulator/, Node's built-ins and its own package (tiktoken). It counts
 * tokens with a tokenizer of its own, so that a test comparing an estimate with its `usage`
 * compares two implementations. Biome's noRestrictedImports (biome.json) says so while editing;
 * this scan says so for every kind of import, `require` included.
 */
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve, sep } from "node:path";
import { describe, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

const EMULATOR = join(REPO_ROOT, "provider", "emulator");
const OWN_PACKAGES = ["tiktoken"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every module a source names: `import ... from`, `export ... from`, `import()`, `require()`. */
function specifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^;]*?\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) found.push(match[1]!);
  }
  return found;
}

/** The imports of a file that reach outside the emulator, as `file: specifier`. */
function outsideImports(file: string, source: string): string[] {
  return specifiers(source)
    .filter((specifier) => {
      if (specifier.startsWith(".")) {
        const target = resolve(dirname(file), specifier);
        return !(target === EMULATOR || target.startsWith(EMULATOR + sep));
      }
      const name = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
      if (builtinModules.includes(name.split("/")[0]!) || builtinModules.includes(name)) return false;
      return !OWN_PACKAGES.some((own) => specifier === own || specifier.startsWith(`${own}/`));
    })
    .map((specifier) => `${relative(REPO_ROOT, file)}: ${specifier}`);
}

describe("the emulator's imports", () => {
  test("stay inside provider/emulator/, Node's built-ins and tiktoken", () => {
    const files = sourceFiles(EMULATOR);
    expect(files.length).toBeGreaterThan(50);
    expect(files.flatMap((file) => outsideImports(file, readFileSync(file, "utf8")))).toEqual([]);
  });

  test("the scan finds a file that imports the provider's cost module, or the package itself", () => {
    const file = join(EMULATOR, "execution", "probe.ts");
    expect(
      outsideImports(
        file,
        [
          'import { textCounter } from "../../cost/tokenizer";',
          'export { tallyFile } from "../../cost";',
          'const costs = require("../../cost/tally");',
          'const lazy = await import("pulumi-openai-batch");',
          'import { readFile } from "node:fs/promises";',
          'import { get_encoding } from "tiktoken";',
          'import { digest } from "../ids";',
        ].join("\n"),
      ),
    ).toEqual([
      "provider/emulator/execution/probe.ts: ../../cost/tokenizer",
      "provider/emulator/execution/probe.ts: ../../cost",
      "provider/emulator/execution/probe.ts: pulumi-openai-batch",
      "provider/emulator/execution/probe.ts: ../../cost/tally",
    ]);
  });
});

describe("biome's rule for the emulator", () => {
  /** Lints files placed in a copy of the project's layout, with the project's biome.json. */
  function lint(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), "emulator-boundary-"));
    try {
      copyFileSync(join(REPO_ROOT, "biome.json"), join(dir, "biome.json"));
      for (const [path, source] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), source);
      }
      try {
        execFileSync(join(REPO_ROOT, "node_modules", ".bin", "biome"), ["lint", ...Object.keys(files)], {
          cwd: dir,
          encoding: "utf8",
          stdio: "pipe",
        });
        return "";
      } catch (error) {
        const failed = error as { stdout: string; stderr: string };
        return `${failed.stdout}${failed.stderr}`;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  test("fails a file that imports ../../cost/…, at every depth, and the package by name", () => {
    const output = lint({
      "provider/emulator/top.ts":
        'import { tallyFile } from "../cost/count-file";\n\nexport const a = tallyFile;\n',
      "provider/emulator/execution/text.ts":
        'import { textCounter } from "../../cost/tokenizer";\n\nexport const b = textCounter;\n',
      "provider/emulator/queue/deep/more.ts":
        'import { encodingOf } from "../../../cost/encodings";\n\nexport const c = encodingOf;\n',
      "provider/emulator/http/self.ts":
        'import { tallyFile } from "pulumi-openai-batch";\n\nexport const d = tallyFile;\n',
    });
    for (const file of [
      "provider/emulator/top.ts",
      "provider/emulator/execution/text.ts",
      "provider/emulator/queue/deep/more.ts",
      "provider/emulator/http/self.ts",
    ]) {
      expect(output).toMatch(
        new RegExp(`${file.replaceAll("/", "[/\\\\]")}:1:\\d+ lint/style/noRestrictedImports`),
      );
    }
  });

  test("passes a file that imports inside the emulator", () => {
    expect(
      lint({
        "provider/emulator/execution/text.ts":
          'import { digest } from "../ids";\n\nexport const b = digest;\n',
        "provider/emulator/ids.ts": "export const digest = 1;\n",
      }),
    ).toBe("");
  });
});
