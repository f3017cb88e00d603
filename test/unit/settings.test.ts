import { describe, expect, test } from "vitest";
import { isBatchInputError } from "../../provider/errors";
import { requireUsableSettings, resolveSettings } from "../../provider/runtime/settings";
import {
  apiErrorAdvice,
  CLI_AUDIENCE,
  CODE_AUDIENCE,
  PULUMI_AUDIENCE,
  type SettingsAudience,
  settingLabel,
} from "../../provider/runtime/settings-advice";

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
      problems: [],
      audience: { via: "pulumi" },
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

  test("a base URL with a user name or password is a problem that shows neither", () => {
    const settings = resolveSettings(config({ "openai:baseUrl": "http://user:hunter2@127.0.0.1:9/v1" }), {});
    expect(settings.problems).toEqual([
      {
        property: "openai:baseUrl",
        reason:
          "http://127.0.0.1:9/v1 carries a user name or password, which no request may carry; remove them from the URL (the API key goes in openai:apiKey)",
      },
    ]);
    expect(JSON.stringify(settings.problems)).not.toContain("hunter2");
  });

  test("an unusable base URL's problem never shows a password it holds", () => {
    const settings = resolveSettings(config({ "openai:baseUrl": "ftp://user:hunter2@x" }), {});
    expect(settings.problems.map((problem) => problem.reason)).toEqual([
      '"ftp://x" is not an http(s) URL; set it like https://api.openai.com/v1',
    ]);
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
      { via: "pulumi", namespace: "openai-batch" },
    );
    expect(settings.apiKey).toBeUndefined();
    expect(settings.problems.map((problem) => problem.property)).toEqual(["openai-batch:baseUrl"]);
    expect(() => requireUsableSettings(settings)).toThrow(
      "openai-batch:apiKey: no OpenAI API key is set; run `pulumi config set --secret openai-batch:apiKey <key>`, or set OPENAI_API_KEY in the environment that runs pulumi, or give the provider resource an apiKey argument",
    );
    expect(
      resolveSettings(
        config({ "openai-batch:apiKey": "sk-plugin" }),
        {},
        { via: "pulumi", namespace: "openai-batch" },
      ).apiKey,
    ).toBe("sk-plugin");
  });
});

describe("settings read from the environment, outside Pulumi: named and advised for who reads them", () => {
  const missingKey = (audience: SettingsAudience) => {
    try {
      requireUsableSettings(resolveSettings(undefined, {}, audience));
    } catch (error) {
      return (error as Error).message;
    }
    return "no error";
  };

  test("the openai-batch command: the environment variables, and no Pulumi", () => {
    expect(missingKey(CLI_AUDIENCE)).toBe(
      "OPENAI_API_KEY: no OpenAI API key is set; set OPENAI_API_KEY in the environment (export OPENAI_API_KEY=sk-...); for another server than the OpenAI API, such as the local emulator, set OPENAI_BASE_URL too",
    );
    const settings = resolveSettings(undefined, { OPENAI_BASE_URL: "ftp://x" }, CLI_AUDIENCE);
    expect(settings.problems).toEqual([
      {
        property: "OPENAI_BASE_URL",
        reason: '"ftp://x" is not an http(s) URL; set it like https://api.openai.com/v1',
      },
    ]);
  });

  test("readBatchResults in a program: the option or the environment variable", () => {
    expect(missingKey(CODE_AUDIENCE)).toBe(
      "apiKey (OPENAI_API_KEY): no OpenAI API key is set; set OPENAI_API_KEY in the environment, or pass apiKey",
    );
  });

  test.each([
    [PULUMI_AUDIENCE, "openai:apiKey", "openai:requestTimeoutSeconds"],
    [
      { via: "pulumi", namespace: "openai-batch" } as const,
      "openai-batch:apiKey",
      "openai-batch:requestTimeoutSeconds",
    ],
    [CLI_AUDIENCE, "OPENAI_API_KEY", "requestTimeoutSeconds"],
    [CODE_AUDIENCE, "apiKey (OPENAI_API_KEY)", "requestTimeoutSeconds"],
  ])("%j names the key %s", (audience, key, timeout) => {
    expect([settingLabel("apiKey", audience), settingLabel("requestTimeoutSeconds", audience)]).toEqual([
      key,
      timeout,
    ]);
  });

  test("the API errors' advice: Pulumi's for the provider, the environment's for the others", () => {
    expect(apiErrorAdvice(CLI_AUDIENCE, "http://127.0.0.1:9/v1")).toEqual({
      caller: "openai-batch",
      setKey:
        "Set a valid key in OPENAI_API_KEY, one for the server at http://127.0.0.1:9/v1 (OPENAI_BASE_URL names another, such as the local emulator).",
      access: "check OPENAI_ORG_ID and OPENAI_PROJECT_ID",
      timeout: "check the network",
      unreachable: "check OPENAI_BASE_URL and the network",
    });
    const plugin = apiErrorAdvice({ via: "pulumi", namespace: "openai-batch" }, "https://api.openai.com/v1");
    expect(plugin.setKey).toBe(
      "Set a valid key with `pulumi config set --secret openai-batch:apiKey <key>`, or in OPENAI_API_KEY in the environment that runs pulumi.",
    );
    for (const text of Object.values(apiErrorAdvice(CODE_AUDIENCE, "https://api.openai.com/v1"))) {
      expect(text).not.toMatch(/pulumi|openai:/);
    }
  });
});
