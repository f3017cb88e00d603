/**
 * The first use, as a new user meets it, from an empty folder: `npm install` of the packed
 * tarball, the README's Automation API program saved as deploy.js, `node deploy.js preview`, `up`
 * (which waits, printing progress), the README's read-results.js on the output file, and
 * `destroy`; and the README's TypeScript program (index.ts), compiled, up and destroyed; then a
 * failed `up`, whose errors deploy.js prints once. The programs are taken from README.md itself,
 * so the README stays true.
 */
import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, expect, test } from "vitest";
import { OP_TIMEOUT, TestEmulator } from "./support/batches";
import { describeWithEngine, repoRoot, requireEngine } from "./support/engine";
import { createUserFolder, installPackage, runNode, type UserFolder } from "./support/user-folder";

/** The first fenced block after the heading `## <heading>` in the README, with its language. */
function readmeBlock(heading: string, language: string): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`README.md has no section "## ${heading}"`);
  const next = readme.indexOf("\n## ", start + 4);
  const section = readme.slice(start, next < 0 ? undefined : next);
  const block = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\``).exec(section);
  if (block?.[1] === undefined) throw new Error(`README.md's "## ${heading}" has no \`\`\`${language} block`);
  return `${block[1]}\n`;
}

describeWithEngine("first use: from an empty folder to results and back", () => {
  let emulator: TestEmulator;
  let folder: UserFolder;

  beforeAll(async () => {
    emulator = await TestEmulator.start();
    folder = createUserFolder(requireEngine(), emulator.providerEnv());
    writeFileSync(
      join(folder.dir, "package.json"),
      `${JSON.stringify({ name: "my-batches", version: "1.0.0", private: true }, null, 2)}\n`,
    );
    await installPackage(folder.dir);
    writeFileSync(
      join(folder.dir, "deploy.js"),
      readmeBlock("Without the Pulumi Node.js language host", "js"),
    );
    writeFileSync(join(folder.dir, "read-results.js"), readmeBlock("Getting the results", "js"));
  }, 300_000);

  afterAll(async () => {
    folder?.cleanup();
    await emulator?.close();
  });

  test(
    "the package comes from the tarball, with one copy of @pulumi/pulumi",
    async () => {
      const { stdout } = await runNode(folder, [
        "-e",
        `const p = require.resolve("pulumi-openai-batch"); const s = require.resolve("@pulumi/pulumi");
         console.log(JSON.stringify({ p, s, fromPackage: require.resolve("@pulumi/pulumi", { paths: [require("path").dirname(p)] }) }));`,
      ]);
      const where = JSON.parse(stdout) as { p: string; s: string; fromPackage: string };
      expect(where.p.startsWith(join(folder.dir, "node_modules", "pulumi-openai-batch"))).toBe(true);
      expect(where.fromPackage).toBe(where.s);
    },
    OP_TIMEOUT,
  );

  test(
    "preview plans the batch and calls no API",
    async () => {
      const { result, error, calls } = await emulator.during(() => runNode(folder, ["deploy.js", "preview"]));
      expect(error).toBeUndefined();
      expect(result!.stdout).toMatch(/\+\s+pulumi-nodejs:dynamic\/openai:Batch\s+questions\s+create/);
      expect(calls).toEqual([]);
    },
    OP_TIMEOUT,
  );

  let outputs: { status: string; outputFileId: string; requestCounts: { total: number; completed: number } };

  test(
    "up creates the batch, waits with progress lines, and prints the outputs",
    async () => {
      const { stdout } = await runNode(folder, ["deploy.js", "up"]);
      const json = stdout.slice(stdout.lastIndexOf("\n{") + 1);
      outputs = JSON.parse(json) as typeof outputs;
      expect(outputs.status).toBe("completed");
      expect(outputs.outputFileId).toMatch(/^file-/);
      expect(outputs.requestCounts).toMatchObject({ total: 2, completed: 2 });
      // The engine shows the provider's progress lines, and no warning: every request has an output limit.
      expect(stdout).toMatch(/questions: batch_[0-9a-f]+ completed: 2\/2 done/);
      expect(stdout).not.toContain("warning");
      const [batch] = await emulator.batches();
      expect(batch?.status).toBe("completed");
    },
    OP_TIMEOUT,
  );

  test(
    "the README's read-results.js prints one answer per request",
    async () => {
      const { stdout } = await runNode(folder, ["read-results.js", outputs.outputFileId]);
      const lines = stdout.trim().split("\n");
      // Without the input, records come in the output file's order, which is not the input's.
      expect(lines.map((line) => line.split(" ")[0]).sort()).toEqual(["q1", "q2"]);
      for (const line of lines) expect(line).toMatch(/^q\d \(200\): \S/);
    },
    OP_TIMEOUT,
  );

  test(
    "the README's TypeScript program (index.ts), compiled as a user's project would, runs through the engine",
    async () => {
      // The first ts block after "## Your first batch", compiled to CommonJS and run as the inline
      // program of a stack of its own, in a folder of the project (which finds its node_modules).
      const source = readmeBlock("Your first batch", "ts");
      const compiled = ts.transpileModule(source, {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, strict: true },
      }).outputText;
      const dir = join(folder.dir, "index-program");
      mkdirSync(dir);
      writeFileSync(join(dir, "index.js"), compiled);
      writeFileSync(
        join(dir, "run.js"),
        `const { LocalWorkspace } = require("@pulumi/pulumi/automation");
const program = async () => ({ ...require("./index.js") });
(async () => {
  const stack = await LocalWorkspace.createOrSelectStack(
    { projectName: "readme-index", stackName: "dev", program },
    { workDir: __dirname },
  );
  const { outputs } = await stack.up({ onOutput: (text) => process.stderr.write(text) });
  const values = Object.fromEntries(Object.entries(outputs).map(([name, o]) => [name, o.value]));
  await stack.destroy();
  console.log(JSON.stringify(values));
})().catch((error) => {
  console.error(error.message);
  process.exitCode = 1;
});
`,
      );
      const { stdout, stderr } = await runNode(folder, [join(dir, "run.js")]);
      const values = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
      // The engine's output of the up: the program bounds every request's output, so no warning.
      expect(stderr).toContain("Resources:");
      expect(stderr).not.toContain("warning");
      expect(values.status).toBe("completed");
      expect(values.outputFileId).toMatch(/^file-/);
      const made = (await emulator.batches()).filter((batch) => batch.metadata?.team === "search");
      expect(made.map((batch) => batch.status)).toEqual(["completed"]);
    },
    OP_TIMEOUT,
  );

  test(
    "destroy deletes the uploaded input and leaves an empty stack",
    async () => {
      const { stdout } = await runNode(folder, ["deploy.js", "destroy"]);
      expect(stdout).toMatch(/-\s+pulumi-nodejs:dynamic\/openai:Batch\s+questions\s+delet/);
      expect(await emulator.files("batch")).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "a failed up: deploy.js prints the engine's output and its errors once, then one line, and exits 1",
    async () => {
      // No key: the create fails before any API call.
      const before = (await emulator.batches()).length;
      const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ["deploy.js", "up"],
          { cwd: folder.dir, env: { ...process.env, ...folder.env, OPENAI_API_KEY: "" }, timeout: 300_000 },
          (error, stdout, stderr) =>
            resolve({ code: error === null ? 0 : (error.code as number), stdout, stderr }),
        );
      });
      const everything = `${run.stdout}${run.stderr}`;
      const count = (text: string) => everything.split(text).length - 1;
      expect(run.code).toBe(1);
      // The engine's output once: one summary, one Diagnostics block, the key's error under it once.
      expect([count("Diagnostics:"), count("Resources:"), count("Duration:")]).toEqual([1, 1, 1]);
      const diagnostics = run.stdout.slice(
        run.stdout.indexOf("Diagnostics:"),
        run.stdout.indexOf("Resources:"),
      );
      expect(diagnostics.split("no OpenAI API key is set").length - 1).toBe(1);
      expect(run.stderr).toBe("pulumi up failed; its errors are above\n");
      expect(await emulator.batches()).toHaveLength(before);
    },
    OP_TIMEOUT,
  );
});
