/**
 * `npm run demo`: the whole product in one command, on a fresh checkout and without an OpenAI
 * account. It makes sure the Pulumi engine is there (building it from its Go modules the first
 * time), starts the local OpenAI emulator with a data directory, runs `pulumi up` on the root
 * Pulumi.yaml program (examples/inline-requests) with a local state backend, waits for the
 * batch, and prints the stack outputs and the first results. `npm run demo -- --destroy` tears
 * it all down.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { LocalWorkspace, PulumiCommand } from "@pulumi/pulumi/automation";
import OpenAI from "openai";
import { startEmulator } from "../provider/emulator";

const ROOT = resolve(__dirname, "..", "..");
const DEMO_DIR = join(ROOT, ".pulumi-demo");
const STACK = "demo";
const EMULATOR_DIR = join(ROOT, ".emulator");

async function main(): Promise<void> {
  const destroy = process.argv.includes("--destroy");
  const binDir = ensureEngine();
  const emulator = await startEmulator({ dataDir: EMULATOR_DIR });
  try {
    mkdirSync(join(DEMO_DIR, "state"), { recursive: true });
    const pulumiCommand = await PulumiCommand.get({ root: resolve(binDir, ".."), skipVersionCheck: true });
    const program = require(join(ROOT, "dist", "examples", "inline-requests", "index.js")) as () => Promise<
      Record<string, unknown>
    >;
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: STACK, projectName: "openai-batch-demo", program },
      {
        workDir: ROOT,
        pulumiCommand,
        envVars: {
          PATH: `${binDir}:${process.env.PATH ?? ""}`,
          // The emulator's port changes from run to run. Stack config would be stored with the
          // provider in the state (and `pulumi destroy` uses the stored values), while the
          // environment is read afresh by every run.
          OPENAI_BASE_URL: emulator.url,
          PULUMI_BACKEND_URL: `file://${join(DEMO_DIR, "state")}`,
          PULUMI_HOME: join(DEMO_DIR, "home"),
          PULUMI_CONFIG_PASSPHRASE: "openai-batch-demo",
          PULUMI_SKIP_UPDATE_CHECK: "true",
          PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        },
      },
    );
    await stack.setAllConfig({
      "openai:apiKey": { value: emulator.apiKey, secret: true },
      "openai-batch-demo:pollIntervalSeconds": { value: "2" },
    });
    if (destroy) {
      await stack.destroy({ onOutput: (text) => process.stdout.write(text) });
      console.log(
        "\nThe demo stack is destroyed: its batch was cancelled if it still ran, and its input file deleted.",
      );
      return;
    }
    console.log(`OpenAI emulator: ${emulator.url} (data in .emulator/)\n`);
    const result = await stack.up({ onOutput: (text) => process.stdout.write(text) });
    const outputs = Object.fromEntries(
      Object.entries(result.outputs).map(([name, output]) => [name, output.value]),
    );
    console.log("\nStack outputs:");
    console.log(JSON.stringify(outputs, null, 2));
    if (typeof outputs.outputFileId === "string") {
      await printFirstResults(emulator.url, emulator.apiKey, outputs.outputFileId);
    }
    console.log(
      whereThingsAre(binDir, typeof outputs.outputFileId === "string" ? outputs.outputFileId : undefined),
    );
    console.log("\nRun `npm run demo -- --destroy` to tear it down.");
  } finally {
    await emulator.close();
  }
}

/** Where the demo keeps its state and its results, and the commands that read them. */
function whereThingsAre(binDir: string, outputFileId: string | undefined): string {
  const stateDir = join(DEMO_DIR, "state");
  const lines = [
    "",
    "Where things are:",
    `  Pulumi state:   ${stateDir} (a local backend; stack "${STACK}", passphrase "openai-batch-demo")`,
    `  Emulator data:  ${EMULATOR_DIR} (the batches and files, kept between runs)`,
  ];
  if (outputFileId !== undefined) {
    lines.push(`  Results:        ${join(EMULATOR_DIR, "files", outputFileId)} (one JSON line per request)`);
  }
  lines.push(
    "",
    "Read them:",
    `  PULUMI_BACKEND_URL=file://${stateDir} PULUMI_CONFIG_PASSPHRASE=openai-batch-demo ${join(binDir, "pulumi")} stack output --stack ${STACK}`,
  );
  if (outputFileId !== undefined) {
    lines.push(`  head -n 3 ${join(EMULATOR_DIR, "files", outputFileId)}`);
  }
  lines.push(
    '  Against the OpenAI API, the same outputFileId is read with the SDK: see "Getting the results" in the README.',
  );
  return lines.join("\n");
}

function ensureEngine(): string {
  const out = execFileSync("bash", [join(ROOT, "scripts", "ensure-pulumi-cli.sh")], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
  });
  const binDir = out.trim().split("\n").at(-1);
  if (!binDir) {
    throw new Error("scripts/ensure-pulumi-cli.sh printed no bin directory");
  }
  return binDir;
}

async function printFirstResults(baseURL: string, apiKey: string, fileId: string): Promise<void> {
  const client = new OpenAI({ apiKey, baseURL });
  const text = await (await client.files.content(fileId)).text();
  console.log(`\nFirst results from ${fileId}:`);
  for (const line of text.split("\n").filter(Boolean).slice(0, 3)) {
    const result = JSON.parse(line) as {
      custom_id: string;
      response?: { status_code: number; body?: { choices?: { message?: { content?: string } }[] } };
    };
    const answer =
      result.response?.body?.choices?.[0]?.message?.content ?? JSON.stringify(result.response?.body);
    console.log(`  ${result.custom_id} (${result.response?.status_code}): ${answer}`);
  }
}

main().catch((error: unknown) => {
  console.error(`\nThe demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
