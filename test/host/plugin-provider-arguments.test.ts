/**
 * The plugin's provider arguments through its real gRPC server (the built plugin started as the
 * engine starts it): `Configure`'s arguments reach the provider, over the stack config in
 * `PULUMI_CONFIG` and the environment, and a secret key given as an argument is in no answer and
 * no line the plugin prints.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../provider/emulator";
import { HostCallError, ProviderHost } from "../support/provider-host";
import { REPO_ROOT } from "../support/repo";

const SECRET = { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270" };
const URN = "urn:pulumi:dev::proj::openai-batch:index:Batch::summaries";
const PLUGIN = [process.execPath, join(REPO_ROOT, "bin", "pulumi-resource-openai-batch")];
const inputs = {
  endpoint: "/v1/chat/completions",
  requests: [
    {
      custom_id: "a",
      method: "POST",
      url: "/v1/chat/completions",
      body: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
    },
  ],
};

/** The status of `GET /batches/<id>` on an emulator, with its own key. */
async function status(emulator: Emulator, id: string): Promise<number> {
  const response = await fetch(`${emulator.url}/batches/${id}`, {
    headers: { authorization: `Bearer ${emulator.apiKey}` },
  });
  await response.body?.cancel();
  return response.status;
}

describe("the plugin's provider arguments, through its gRPC server", () => {
  const ARGUMENT_KEY = `sk-argument-${randomBytes(12).toString("hex")}`;
  const CONFIG_KEY = `sk-config-${randomBytes(12).toString("hex")}`;
  let fromArguments: Emulator;
  let fromConfig: Emulator;
  let cwd: string;
  const hosts: ProviderHost[] = [];

  beforeAll(async () => {
    expect(existsSync(join(REPO_ROOT, "dist", "provider", "plugin", "main.js")), "run `npm run build`").toBe(
      true,
    );
    fromArguments = await startEmulator({ apiKey: ARGUMENT_KEY });
    fromConfig = await startEmulator({ apiKey: CONFIG_KEY });
    cwd = mkdtempSync(join(tmpdir(), "plugin-arguments-"));
  });

  afterAll(async () => {
    for (const host of hosts) await host.stop();
    await fromArguments?.close();
    await fromConfig?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** The plugin with the stack config pointing at the other emulator, and a wrong key in the environment. */
  async function plugin(): Promise<ProviderHost> {
    const host = await ProviderHost.startServer(PLUGIN, cwd, {
      PULUMI_CONFIG: JSON.stringify({ apiKey: CONFIG_KEY, baseUrl: fromConfig.url }),
      OPENAI_API_KEY: "sk-wrong-from-the-environment",
      // Every API call logged (to standard error, which is searched for the key).
      PULUMI_OPENAI_BATCH_LOG: "debug",
    });
    hosts.push(host);
    return host;
  }

  async function createBatch(
    host: ProviderHost,
  ): Promise<{ id: string; properties: Record<string, unknown> }> {
    const checked = await host.check(URN, {}, inputs);
    expect(checked.failures).toEqual([]);
    return host.create(URN, checked.inputs);
  }

  test("a provider's apiKey (secret) and baseUrl arguments take the place of the stack config", async () => {
    const host = await plugin();
    await host.configure({
      apiKey: { ...SECRET, value: ARGUMENT_KEY },
      baseUrl: fromArguments.url,
      maxRetries: 0,
      version: "0.1.0",
    });
    const created = await createBatch(host);
    expect(created.id).toMatch(/^batch_/);
    // The batch is on the arguments' emulator, and only there.
    expect(await status(fromArguments, created.id)).toBe(200);
    expect(fromConfig.calls().filter((call) => call.path === "/v1/batches")).toEqual([]);
    expect(JSON.stringify(created.properties)).not.toContain(ARGUMENT_KEY);
    expect(host.stderr()).toContain("debug: POST /v1/batches -> 200");
    expect(host.stderr()).not.toContain(ARGUMENT_KEY);
  });

  test("settings the arguments leave out come from the stack config", async () => {
    const host = await plugin();
    await host.configure({ organization: "org-from-argument" });
    const created = await createBatch(host);
    // The key and the URL of the stack config, not the environment's key.
    expect(await status(fromConfig, created.id)).toBe(200);
  });

  test("a wrong argument fails the first call to the API, naming the setting and its value", async () => {
    const host = await plugin();
    await host.configure({ apiKey: { ...SECRET, value: ARGUMENT_KEY }, baseUrl: "not a url" });
    const failure = await createBatch(host).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HostCallError);
    expect((failure as HostCallError).message).toContain(
      'openai-batch:baseUrl: "not a url" is not an http(s) URL',
    );
    expect((failure as HostCallError).message).not.toContain(ARGUMENT_KEY);
  });
});
