/**
 * The plugin's plans through its real gRPC server (the built plugin started as the engine starts
 * it): `Diff` answers with a detailed diff that names the reason of each planned change, which
 * the engine shows in the plan, and never an internal property.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { type Emulator, startEmulator } from "../../provider/emulator";
import { PROPERTY_DIFF_KIND, ProviderHost } from "../support/provider-host";
import { REPO_ROOT } from "../support/repo";

const URN = "urn:pulumi:dev::proj::openai-batch:index:Batch::summaries";
const PLUGIN = [process.execPath, join(REPO_ROOT, "bin", "pulumi-resource-openai-batch")];
const request = (id: string) => ({
  custom_id: id,
  method: "POST",
  url: "/v1/chat/completions",
  body: { model: "gpt-4o-mini", messages: [{ role: "user", content: id }] },
});
const NEWS = {
  endpoint: "/v1/chat/completions",
  requests: [request("a"), request("b")],
  waitForCompletion: true,
  pollIntervalSeconds: 1,
  resultsPath: "out.jsonl",
};

describe("the plugin's detailed diff, through its gRPC server", () => {
  let emulator: Emulator;
  let cwd: string;
  let host: ProviderHost;
  let id: string;
  let olds: Record<string, unknown>;

  beforeAll(async () => {
    expect(existsSync(join(REPO_ROOT, "dist", "provider", "plugin", "main.js")), "run `npm run build`").toBe(
      true,
    );
    emulator = await startEmulator();
    cwd = mkdtempSync(join(tmpdir(), "plugin-plans-"));
    host = await ProviderHost.startServer(PLUGIN, cwd, {
      PULUMI_CONFIG: JSON.stringify({ apiKey: emulator.apiKey, baseUrl: emulator.url }),
    });
    const checked = await host.check(URN, {}, NEWS);
    expect(checked.failures).toEqual([]);
    expect(checked.inputs).not.toHaveProperty("createToken");
    const created = await host.create(URN, checked.inputs);
    expect(created.properties.status).toBe("completed");
    expect(existsSync(join(cwd, "out.jsonl"))).toBe(true);
    id = created.id;
    olds = created.properties;
  });

  afterAll(async () => {
    await host?.stop();
    await emulator?.close();
    rmSync(cwd, { recursive: true, force: true });
  });

  /** `Diff` of the created batch against `news`, checked first as the engine does. */
  async function diffWith(news: Record<string, unknown>) {
    const checked = await host.check(URN, olds, news);
    expect(checked.failures).toEqual([]);
    return host.diff(URN, id, olds, checked.inputs);
  }

  test("the same inputs: no change, and an empty detailed diff", async () => {
    expect(await diffWith(NEWS)).toEqual({
      changes: "none",
      replaces: [],
      deleteBeforeReplace: false,
      detailedDiff: {},
    });
  });

  test("changed requests: a replace that names them as a changed input", async () => {
    const diff = await diffWith({ ...NEWS, requests: [request("a")] });
    expect(diff).toMatchObject({ changes: "some", replaces: ["requests"] });
    expect(diff.detailedDiff).toEqual({
      requests: { kind: PROPERTY_DIFF_KIND.UPDATE_REPLACE, inputDiff: true },
    });
  });

  test("a setting that steers the provider: an update of that input", async () => {
    const diff = await diffWith({ ...NEWS, waitTimeoutSeconds: 600 });
    expect(diff).toMatchObject({ changes: "some", replaces: [] });
    expect(diff.detailedDiff).toEqual({
      waitTimeoutSeconds: { kind: PROPERTY_DIFF_KIND.UPDATE, inputDiff: true },
    });
  });

  test("a missing results file: an update of the results output, with no input changed", async () => {
    rmSync(join(cwd, "out.jsonl"));
    const diff = await diffWith(NEWS);
    expect(diff).toMatchObject({ changes: "some", replaces: [] });
    expect(diff.detailedDiff).toEqual({
      resultsSha256: { kind: PROPERTY_DIFF_KIND.UPDATE, inputDiff: false },
    });
  });
});
