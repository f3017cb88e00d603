import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import {
  azureProfile,
  type BackendProfile,
  chooseBackend,
  compatibleProfile,
  connectionOf,
  OPENAI_PROFILE,
  sentEndpointOf,
} from "../../provider/backends";
import { checkCost } from "../../provider/cost/batch-estimate";
import type { InputProblem } from "../../provider/errors";
import { argumentsOver } from "../../provider/plugin/provider-arguments";
import { resolveSettings } from "../../provider/runtime/settings";
import { planShards, shardBoundsOf } from "../../provider/set/shards";
import { checkArguments } from "../../provider/validation/arguments";
import { validateBatchInput } from "../../provider/validation/jsonl/validate";

const choose = (values: Record<string, string>, baseUrl = "https://api.openai.com/v1") => {
  const problems: InputProblem[] = [];
  const choice = chooseBackend(values, baseUrl, (name) => `openai:${name}`, problems);
  return { ...choice, problems };
};

describe("each backend's limits", () => {
  const together = compatibleProfile({ preset: "together" });
  const groq = compatibleProfile({ preset: "groq" });
  test.each<[string, BackendProfile, number, number, string, number | undefined, string]>([
    ["OpenAI", OPENAI_PROFILE, 50_000, 200 * 1024 * 1024, "batch", undefined, "metadata"],
    ["Azure", azureProfile(), 100_000, 200 * 1024 * 1024, "batch", undefined, "metadata"],
    ["Groq", groq, 50_000, 100 * 1024 * 1024, "batch", undefined, "metadata"],
    ["Together", together, 50_000, 100 * 1024 * 1024, "batch-api", 64, "input-file"],
  ])(
    "%s: requests, bytes, purpose, custom_id length, create-token carrier",
    (name, profile, requests, bytes, purpose, idLength, carrier) => {
      expect(profile.name).toBe(name);
      expect(profile.limits.maxRequests).toBe(requests);
      expect(profile.limits.maxFileBytes).toBe(bytes);
      expect(profile.filePurpose).toBe(purpose);
      expect(profile.maxCustomIdLength).toBe(idLength);
      expect(profile.createToken).toBe(carrier);
    },
  );

  test("Azure's output expiry is 14 to 30 days, OpenAI's one hour to 30 days; Azure's jobs are not expired at the window's end", () => {
    expect(azureProfile().outputExpiry).toEqual({ min: 1_209_600, max: 2_592_000 });
    expect(OPENAI_PROFILE.outputExpiry).toEqual({ min: 3600, max: 2_592_000 });
    expect(azureProfile().expiresAtWindowEnd).toBe(false);
    expect(OPENAI_PROFILE.expiresAtWindowEnd).toBe(true);
  });

  test("settings of a compatible backend win over its preset", () => {
    const profile = compatibleProfile({
      preset: "together",
      maxRequestsPerFile: 10,
      filePurpose: "batch",
      batchMetadata: true,
    });
    expect(profile.limits.maxRequests).toBe(10);
    expect(profile.filePurpose).toBe("batch");
    expect(profile.createToken).toBe("metadata");
  });
});

describe("choosing the backend", () => {
  test.each([
    ["https://api.openai.com/v1", "openai", "OpenAI"],
    ["https://my-res.openai.azure.com", "azure", "Azure"],
    ["https://my-res.cognitiveservices.azure.com/openai/v1/", "azure", "Azure"],
    ["https://api.groq.com/openai/v1", "compatible", "Groq"],
    ["https://api.together.xyz/v1", "compatible", "Together"],
    ["http://127.0.0.1:8080/v1", "openai", "OpenAI"],
  ])("%s is %s when backend is unset", (baseUrl, kind, name) => {
    const { profile, problems } = choose({}, baseUrl);
    expect(problems).toEqual([]);
    expect(profile.kind).toBe(kind);
    expect(profile.name).toBe(name);
  });

  test("backend wins over the host; a wrong backend names the setting, the value and the choices", () => {
    expect(choose({ backend: "azure" }, "http://127.0.0.1:8080").profile.kind).toBe("azure");
    const { problems, profile } = choose({ backend: "bedrock" });
    expect(profile.kind).toBe("openai");
    expect(problems).toEqual([
      {
        property: "openai:backend",
        reason: expect.stringContaining('"bedrock" is not a backend; use openai, azure or compatible'),
      },
    ]);
  });

  test("apiVersion applies only to Azure, and must be a date", () => {
    expect(choose({ backend: "azure", apiVersion: "2024-10-21" }).apiVersion).toBe("2024-10-21");
    expect(choose({ backend: "azure", apiVersion: "latest" }).problems[0]?.property).toBe(
      "openai:apiVersion",
    );
    expect(choose({ apiVersion: "2024-10-21" }).problems[0]?.reason).toContain(
      "remove it, or set openai:backend to azure",
    );
  });

  test("the models map is read from JSON, and a wrong entry is named", () => {
    expect(choose({ backend: "azure", models: '{"batch-mini": "gpt-4o-mini"}' }).profile.models).toEqual({
      "batch-mini": "gpt-4o-mini",
    });
    expect(choose({ models: '{"d": 3}' }).problems[0]?.property).toBe("openai:models.d");
  });

  test("the Azure backend without a base URL is a problem that says what to set", () => {
    const settings = resolveSettings({ get: (key) => (key === "openai:backend" ? "azure" : undefined) }, {});
    expect(settings.problems.map((problem) => problem.property)).toContain("openai:baseUrl");
  });
});

describe("URL forms and the key's header", () => {
  const credentials = { apiKey: "azure-key-123456" };
  test.each([
    ["https://r.openai.azure.com", undefined, "https://r.openai.azure.com/openai/v1", undefined],
    ["https://r.openai.azure.com/openai/v1/", undefined, "https://r.openai.azure.com/openai/v1", undefined],
    [
      "https://r.openai.azure.com/openai",
      "2024-10-21",
      "https://r.openai.azure.com/openai",
      { "api-version": "2024-10-21" },
    ],
    [
      "https://r.openai.azure.com/",
      "2024-10-21",
      "https://r.openai.azure.com/openai",
      { "api-version": "2024-10-21" },
    ],
  ])("Azure %s with api-version %s", (baseUrl, apiVersion, expectedBase, query) => {
    const connection = connectionOf("azure", baseUrl, apiVersion, credentials);
    expect(connection.baseURL).toBe(expectedBase);
    expect(connection.defaultQuery).toEqual(query);
    expect(connection.defaultHeaders).toEqual({ authorization: null, "api-key": "azure-key-123456" });
    expect(connection.secrets).toEqual(["azure-key-123456"]);
  });

  test("Azure with an Entra ID token and no key sends the token as a bearer token", () => {
    const connection = connectionOf("azure", "https://r.openai.azure.com", undefined, {
      apiKey: undefined,
      adToken: "entra-token-abcdef",
    });
    expect(connection.defaultHeaders).toEqual({});
    expect(connection.sdkKey).toBe("entra-token-abcdef");
    expect(connection.secrets).toEqual(["entra-token-abcdef"]);
  });

  test.each(["openai", "compatible"] as const)(
    "%s: the base URL as given, the key as a bearer token",
    (kind) => {
      const connection = connectionOf(kind, "https://api.groq.com/openai/v1", undefined, credentials);
      expect(connection.baseURL).toBe("https://api.groq.com/openai/v1");
      expect(connection.defaultQuery).toBeUndefined();
      expect(connection.defaultHeaders).toEqual({});
    },
  );

  test("an Azure batch naming /v1/chat/completions or /responses is created with /chat/completions", () => {
    for (const endpoint of ["/v1/chat/completions", "/chat/completions", "/v1/responses"])
      expect(sentEndpointOf(azureProfile(), endpoint)).toBe("/chat/completions");
    expect(sentEndpointOf(OPENAI_PROFILE, "/v1/chat/completions")).toBe("/v1/chat/completions");
  });
});

describe("validation by backend", () => {
  const chat = (id: string, url = "/chat/completions") =>
    JSON.stringify({ custom_id: id, method: "POST", url, body: { model: "my-deployment", messages: [] } });

  test("/chat/completions lines pass on Azure and are refused on OpenAI", async () => {
    const azure = azureProfile();
    for (const url of ["/chat/completions", "/v1/chat/completions"]) {
      const content = `${chat("a", url)}\n${chat("b", url)}\n`;
      const report = await validateBatchInput({ content }, { endpoint: "/chat/completions", backend: azure });
      expect(report.problems).toEqual([]);
    }
    expect(checkArguments({ endpoint: "/chat/completions", requests: [] } as never, azureProfile())).toEqual(
      [],
    );
    const openai = checkArguments({ endpoint: "/chat/completions", requests: [] } as never);
    expect(openai[0]?.property).toBe("endpoint");
  });

  test("Azure takes 100,000 requests a file and says so past them; OpenAI stops at 50,000", async () => {
    const lines = (count: number) => Array.from({ length: count }, (_, i) => chat(`r${i}`)).join("\n");
    const azureOk = await validateBatchInput(
      { content: `${lines(60_000)}\n` },
      { endpoint: "/chat/completions", backend: azureProfile() },
    );
    expect(azureOk.ok).toBe(true);
    const over = await validateBatchInput(
      { content: `${lines(100_001)}\n` },
      { endpoint: "/chat/completions", backend: azureProfile() },
    );
    expect(over.problems.map((problem) => problem.message)).toContain(
      "there are more than 100,000 lines; Azure allows at most 100,000 requests per file, so split the file, or give it to BatchSet, which splits it into batches for you",
    );
    const openai = await validateBatchInput(
      { content: `${lines(60_000).replaceAll('"/chat/completions"', '"/v1/chat/completions"')}\n` },
      { endpoint: "/v1/chat/completions" },
    );
    expect(openai.ok).toBe(false);
  });

  test("a byte-order mark is refused up front on Azure, with how Azure answers it", async () => {
    const report = await validateBatchInput(
      { content: `\uFEFF${chat("a")}\n` },
      { endpoint: "/chat/completions", backend: azureProfile() },
    );
    expect(report.ok).toBe(false);
    expect(report.problems[0]?.message).toContain("Azure refuses such a file");
  });

  test("Azure's output expiry range is checked at preview and named", () => {
    const problems = checkArguments(
      {
        endpoint: "/chat/completions",
        requests: [],
        outputExpiresAfter: { anchor: "created_at", seconds: 86_400 },
      } as never,
      azureProfile(),
    );
    expect(problems.map((problem) => problem.reason).join("\n")).toMatch(/1209600/);
  });

  test("Together caps custom_id at 64 characters and names itself", async () => {
    const together = compatibleProfile({ preset: "together" });
    const line = JSON.stringify({ custom_id: "x".repeat(65), body: { model: "m", messages: [] } });
    const report = await validateBatchInput(
      { content: `${line}\n` },
      { endpoint: "/v1/chat/completions", backend: together },
    );
    expect(report.problems[0]?.message).toBe(
      "custom_id is 65 characters long; Together allows at most 64, so shorten it",
    );
  });
});

describe("BatchSet splits within the backend's limits", () => {
  const root = mkdtempSync(join(tmpdir(), "backend-shards-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("the default bound of a shard is the backend's requests per file", () => {
    const args = { endpoint: "/chat/completions", inputFile: "in.jsonl" };
    expect(shardBoundsOf(args, azureProfile()).maxRequests).toBe(100_000);
    expect(shardBoundsOf({ ...args, endpoint: "/v1/chat/completions" }, OPENAI_PROFILE).maxRequests).toBe(
      50_000,
    );
    expect(shardBoundsOf({ ...args, maxRequestsPerBatch: 7 }, azureProfile()).maxRequests).toBe(7);
  });

  test("150,000 requests are cut under 100,000 a shard on Azure, with shards over OpenAI's 50,000, and under 50,000 on OpenAI", () => {
    const line = (i: number, url: string) =>
      JSON.stringify({ custom_id: `r${i}`, method: "POST", url, body: { model: "d", messages: [] } });
    const write = (name: string, url: string) => {
      const path = join(root, name);
      writeFileSync(path, `${Array.from({ length: 150_000 }, (_, i) => line(i, url)).join("\n")}\n`);
      return name;
    };
    const azure = planShards(
      "azure",
      { endpoint: "/chat/completions", inputFile: write("azure.jsonl", "/chat/completions") },
      root,
      true,
      azureProfile(),
    );
    const azureCounts = azure.map((shard) => shard.requests);
    expect(azureCounts.reduce((sum, count) => sum + count, 0)).toBe(150_000);
    expect(Math.max(...azureCounts)).toBeLessThanOrEqual(100_000);
    expect(Math.max(...azureCounts)).toBeGreaterThan(50_000);
    const openai = planShards(
      "openai",
      { endpoint: "/v1/chat/completions", inputFile: write("openai.jsonl", "/v1/chat/completions") },
      root,
    );
    const openaiCounts = openai.map((shard) => shard.requests);
    expect(openaiCounts.reduce((sum, count) => sum + count, 0)).toBe(150_000);
    expect(Math.max(...openaiCounts)).toBeLessThanOrEqual(50_000);
  });
});

describe("cost by backend", () => {
  const requests = [
    {
      custom_id: "a",
      method: "POST" as const,
      url: "/chat/completions",
      body: { model: "batch-mini", max_tokens: 10, messages: [{ role: "user", content: "hello there" }] },
    },
  ];
  const check = (backend: BackendProfile, maxCostUsd = 5) =>
    checkCost({
      endpoint: "/chat/completions",
      content: { requests },
      sha256: "0".repeat(64),
      cacheDir: undefined,
      maxCostUsd,
      backend,
      settingPrices: { "gpt-4o-mini": { input: 0.075, output: 0.3 } },
    });

  test("a deployment in the models map is priced as its model, from the prices setting", async () => {
    const outcome = await check(azureProfile({ "batch-mini": "gpt-4o-mini" }));
    expect(outcome.failures).toEqual([]);
    expect(outcome.estimate.model).toBe("gpt-4o-mini");
    expect(outcome.estimate.maxCostUsd).toBeGreaterThan(0);
  });

  test("a deployment not in the models map is named, with the setting that fixes it", async () => {
    const outcome = await check(azureProfile({}));
    expect(outcome.failures).toHaveLength(1);
    expect(outcome.failures[0]?.reason).toContain(
      "deployment batch-mini is not in openai:models, so its model and price are not known",
    );
  });

  test("under the plugin, the unmapped deployment's failure and warning name the plugin's settings", async () => {
    const outcome = await checkCost({
      endpoint: "/chat/completions",
      content: { requests },
      sha256: "0".repeat(64),
      cacheDir: undefined,
      maxCostUsd: 5,
      backend: azureProfile({}),
      configNamespace: "openai-batch",
    });
    expect(outcome.failures[0]?.reason).toContain(
      'deployment batch-mini is not in openai-batch:models, so its model and price are not known and the batch cannot be held to maxCostUsd $5.00; set openai-batch:models to {"batch-mini": "<model>"} and give that model\'s price in openai-batch:prices',
    );
    expect(outcome.warnings.join("\n")).toContain("map it with openai-batch:models");
    expect(`${outcome.failures[0]?.reason}\n${outcome.warnings.join("\n")}`).not.toMatch(/\bopenai:/);
  });
});

describe("the plugin's settings", () => {
  const PLUGIN = { via: "pulumi", namespace: "openai-batch" } as const;

  test("openai-batch:backend and its fellows choose the backend, and problems name the plugin's keys", () => {
    const config = {
      get: (key: string) =>
        ({ "openai-batch:backend": "azure", "openai-batch:apiVersion": "yesterday" })[key],
    };
    const settings = resolveSettings(config, { OPENAI_BASE_URL: "https://r.openai.azure.com" }, PLUGIN);
    expect(settings.backend.kind).toBe("azure");
    expect(settings.problems.map((problem) => problem.property)).toEqual(["openai-batch:apiVersion"]);
  });

  test("an explicit provider's arguments carry the backend, its models as an object, and batchMetadata as a boolean", () => {
    const config = argumentsOver(
      {
        backend: "compatible",
        preset: "together",
        batchMetadata: true,
        models: { "my-llama": "meta-llama/Llama-3-8b" },
        baseUrl: "https://api.example.com/v1",
      },
      "openai-batch",
      { get: () => undefined },
    );
    const settings = resolveSettings(config, {}, PLUGIN);
    expect(settings.problems).toEqual([]);
    expect(settings.backend.name).toBe("Together");
    expect(settings.backend.createToken).toBe("metadata");
    expect(settings.backend.models).toEqual({ "my-llama": "meta-llama/Llama-3-8b" });
  });
});
