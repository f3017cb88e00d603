import { describe, expect, test } from "vitest";
import { OPENAI_PROFILE } from "../../provider/backends";
import { isBatchInputError } from "../../provider/errors";
import { requireUsableSettings, resolveSettings } from "../../provider/runtime/settings";

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("resolveSettings", () => {
  test("stack config wins over the environment", () => {
    const settings = resolveSettings(
      config({ "openai:apiKey": "from-config", "openai:baseUrl": "http://127.0.0.1:9/v1/" }),
      {
        OPENAI_API_KEY: "from-env",
        OPENAI_BASE_URL: "http://elsewhere/v1",
        OPENAI_ORG_ID: "org-env",
      },
    );
    expect(settings).toEqual({
      apiKey: "from-config",
      baseUrl: "http://127.0.0.1:9/v1",
      organization: "org-env",
      project: undefined,
      maxRetries: 2,
      requestTimeoutMs: 600_000,
      backend: OPENAI_PROFILE,
      apiVersion: undefined,
      adToken: undefined,
      prices: undefined,
      problems: [],
    });
  });

  test("the environment is the fallback", () => {
    const settings = resolveSettings(undefined, { OPENAI_API_KEY: "k", OPENAI_PROJECT_ID: "proj_1" });
    expect(settings.apiKey).toBe("k");
    expect(settings.project).toBe("proj_1");
    expect(settings.baseUrl).toBe("https://api.openai.com/v1");
  });

  test("wrong values become problems, never exceptions", () => {
    const settings = resolveSettings(
      config({
        "openai:baseUrl": "ftp://x",
        "openai:maxRetries": "-1",
        "openai:requestTimeoutSeconds": "soon",
      }),
      {},
    );
    expect(settings.problems).toEqual([
      {
        property: "openai:baseUrl",
        reason: '"ftp://x" is not an http(s) URL; set it like https://api.openai.com/v1',
      },
      { property: "openai:maxRetries", reason: '"-1" is not a whole number of retries, 0 or more' },
      {
        property: "openai:requestTimeoutSeconds",
        reason: '"soon" is not a number of seconds greater than 0',
      },
    ]);
    expect(settings.maxRetries).toBe(2);
  });

  test("a config whose get throws is treated as empty", () => {
    const throwing = {
      get: () => {
        throw new TypeError("boom");
      },
    };
    expect(resolveSettings(throwing, { OPENAI_API_KEY: "k" }).apiKey).toBe("k");
  });
});

describe("requireUsableSettings", () => {
  test("a missing key says how to set it", () => {
    let caught: unknown;
    try {
      requireUsableSettings(resolveSettings(undefined, {}));
    } catch (error) {
      caught = error;
    }
    expect(isBatchInputError(caught)).toBe(true);
    expect((caught as Error).message).toBe(
      "openai:apiKey: no OpenAI API key is set; run `pulumi config set --secret openai:apiKey <key>`, or set OPENAI_API_KEY in the environment that runs pulumi",
    );
  });

  test("a usable setting gives the key", () => {
    expect(requireUsableSettings(resolveSettings(undefined, { OPENAI_API_KEY: "sk-1" }))).toBe("sk-1");
  });
});

describe("settings in another config namespace", () => {
  test("are read from `<namespace>:<name>` and named so in problems and messages", () => {
    const settings = resolveSettings(
      config({ "openai:apiKey": "dynamic-only", "openai-batch:baseUrl": "ftp://x" }),
      {},
      "openai-batch",
    );
    expect(settings.apiKey).toBeUndefined();
    expect(settings.problems.map((problem) => problem.property)).toEqual(["openai-batch:baseUrl"]);
    expect(() => requireUsableSettings(settings, "openai-batch")).toThrow(
      "openai-batch:apiKey: no OpenAI API key is set; run `pulumi config set --secret openai-batch:apiKey <key>`, or set OPENAI_API_KEY in the environment that runs pulumi, or give the provider resource an apiKey argument",
    );
    expect(resolveSettings(config({ "openai-batch:apiKey": "sk-plugin" }), {}, "openai-batch").apiKey).toBe(
      "sk-plugin",
    );
  });
});
