import { describe, expect, test } from "vitest";
import { isEmulatorConfigError } from "../../provider/emulator";
import { parseCliArgs } from "../../provider/emulator/cli-args";
import { DEFAULT_DURATIONS, resolveConfig } from "../../provider/emulator/config";
import { OPENAI_EMULATION } from "../../provider/emulator/profiles";

function configError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isEmulatorConfigError(error)) return `${error.setting}: ${error.message}`;
    throw error;
  }
  throw new RangeError("expected an EmulatorConfigError");
}

describe("options and environment", () => {
  test("defaults", () => {
    expect(resolveConfig({}, {})).toEqual({
      port: 0,
      host: "127.0.0.1",
      apiKey: undefined,
      timeScale: 1,
      durations: DEFAULT_DURATIONS,
      manualClock: false,
      faults: [],
      dataDir: undefined,
      enqueuedTokenLimits: new Map(),
      outputOrder: { kind: "shuffled", seed: 1 },
      profile: OPENAI_EMULATION,
      entraToken: undefined,
      log: undefined,
    });
  });

  test("the profile: openai by default, azure from the options or the environment, with its deployments", () => {
    const azure = resolveConfig(
      { profile: "azure", deployments: { "batch-mini": "gpt-4o-mini" } },
      {},
    ).profile;
    expect(azure.name).toBe("azure");
    expect([...(azure.deployments ?? new Map())]).toEqual([["batch-mini", "gpt-4o-mini"]]);
    const env = { OPENAI_EMULATOR_PROFILE: "azure", OPENAI_EMULATOR_DEPLOYMENTS: "a=gpt-4o, b=gpt-4o-mini" };
    expect([...(resolveConfig({}, env).profile.deployments ?? new Map())]).toEqual([
      ["a", "gpt-4o"],
      ["b", "gpt-4o-mini"],
    ]);
    expect(() => resolveConfig({ profile: "bedrock" as never }, {})).toThrow(
      'Expected `profile` to be one of openai, azure, groq, together; got "bedrock".',
    );
    expect(resolveConfig({}, { OPENAI_EMULATOR_PROFILE: "together" }).profile.name).toBe("together");
    expect(() => resolveConfig({ profile: "groq", deployments: { a: "gpt-4o" } }, {})).toThrow(
      "`deployments` applies only to the azure profile; the profile is groq.",
    );
    expect(() => resolveConfig({ deployments: { a: "gpt-4o" } }, {})).toThrow(
      "`deployments` applies only to the azure profile; the profile is openai.",
    );
    expect(() =>
      resolveConfig({}, { OPENAI_EMULATOR_PROFILE: "azure", OPENAI_EMULATOR_DEPLOYMENTS: "a" }),
    ).toThrow(/deployment=model pairs/);
  });

  test("the output order: shuffled by seed 1 by default, from the options or the environment", () => {
    expect(resolveConfig({ outputOrderSeed: 42 }, {}).outputOrder).toEqual({ kind: "shuffled", seed: 42 });
    expect(resolveConfig({ outputOrder: "input" }, {}).outputOrder).toEqual({ kind: "input" });
    const env = { OPENAI_EMULATOR_OUTPUT_ORDER: "input", OPENAI_EMULATOR_OUTPUT_ORDER_SEED: "9" };
    expect(resolveConfig({}, env).outputOrder).toEqual({ kind: "input" });
    expect(resolveConfig({ outputOrder: "shuffled" }, env).outputOrder).toEqual({
      kind: "shuffled",
      seed: 9,
    });
  });

  test("environment variables fill in absent options; options win", () => {
    const env = {
      OPENAI_EMULATOR_PORT: "9000",
      OPENAI_EMULATOR_HOST: "0.0.0.0",
      OPENAI_EMULATOR_API_KEY: "sk-from-env-1",
      OPENAI_EMULATOR_TIME_SCALE: "60",
      OPENAI_EMULATOR_DATA_DIR: "/data",
      OPENAI_EMULATOR_FAULTS: '[{"kind":"server_error","count":1}]',
    };
    expect(resolveConfig({}, env)).toMatchObject({
      port: 9000,
      host: "0.0.0.0",
      apiKey: "sk-from-env-1",
      timeScale: 60,
      dataDir: "/data",
      faults: [{ kind: "server_error", count: 1 }],
    });
    expect(resolveConfig({ port: 1, timeScale: 2, faults: [] }, env)).toMatchObject({
      port: 1,
      timeScale: 2,
      faults: [],
    });
  });

  test.each([
    [{ port: 70000 }, {}, "port: Expected `port` to be an integer port from 0 to 65535; got 70000."],
    [
      {},
      { OPENAI_EMULATOR_PORT: "eighty" },
      'OPENAI_EMULATOR_PORT: Expected OPENAI_EMULATOR_PORT to be an integer port from 0 to 65535; got "eighty".',
    ],
    [
      { timeScale: 0 },
      {},
      "timeScale: Expected `timeScale` to be a number above 0 and at most 1000000; got 0.",
    ],
    [
      {},
      { OPENAI_EMULATOR_TIME_SCALE: "fast" },
      'OPENAI_EMULATOR_TIME_SCALE: Expected `OPENAI_EMULATOR_TIME_SCALE` to be a number above 0 and at most 1000000; got "fast".',
    ],
    [
      { apiKey: "short" },
      {},
      "apiKey: Expected `apiKey` to be at least 8 printable characters without spaces; got 5 characters.",
    ],
    [
      { durations: { validatingMs: -1 } },
      {},
      "durations.validatingMs: Expected `durations.validatingMs` to be a number of milliseconds, 0 or more; got -1.",
    ],
    [
      { durations: { queuedMs: 1 } },
      {},
      "durations.queuedMs: Unknown key `durations.queuedMs`; allowed: validatingMs, inProgressMs, finalizingMs, cancellingMs.",
    ],
    [
      {},
      { OPENAI_EMULATOR_FAULTS: "[{" },
      'OPENAI_EMULATOR_FAULTS: Expected `OPENAI_EMULATOR_FAULTS` to be a JSON array of fault rules, like [{"kind":"rate_limit","count":1}]; it is not valid JSON.',
    ],
    [
      { outputOrder: "random" },
      {},
      'outputOrder: Expected `outputOrder` to be "shuffled" or "input"; got "random".',
    ],
    [
      {},
      { OPENAI_EMULATOR_OUTPUT_ORDER: "sorted" },
      'OPENAI_EMULATOR_OUTPUT_ORDER: Expected `OPENAI_EMULATOR_OUTPUT_ORDER` to be "shuffled" or "input"; got "sorted".',
    ],
    [
      { outputOrderSeed: -1 },
      {},
      "outputOrderSeed: Expected `outputOrderSeed` to be an integer from 0 to 4294967295; got -1.",
    ],
    [
      {},
      { OPENAI_EMULATOR_OUTPUT_ORDER_SEED: "seven" },
      'OPENAI_EMULATOR_OUTPUT_ORDER_SEED: Expected `OPENAI_EMULATOR_OUTPUT_ORDER_SEED` to be an integer from 0 to 4294967295; got "seven".',
    ],
  ])("%j with env %j is refused", (options, env, message) => {
    expect(configError(() => resolveConfig(options as never, env))).toBe(message);
  });
});

describe("command line", () => {
  test("flags become options; the port defaults to 8787", () => {
    expect(
      parseCliArgs(
        [
          "--port",
          "0",
          "--host=::1",
          "--api-key",
          "sk-cli-key-1",
          "--data-dir",
          ".emulator",
          "--time-scale",
          "60",
          "--faults",
          '[{"kind":"latency","latencyMs":5}]',
          "--output-order",
          "input",
          "--output-order-seed=3",
          "--manual-clock",
          "--log",
        ],
        {},
      ),
    ).toEqual({
      kind: "start",
      log: true,
      options: {
        port: 0,
        host: "::1",
        apiKey: "sk-cli-key-1",
        dataDir: ".emulator",
        timeScale: 60,
        faults: [{ kind: "latency", latencyMs: 5 }],
        outputOrder: "input",
        outputOrderSeed: 3,
        manualClock: true,
      },
    });
    expect(parseCliArgs([], {})).toEqual({ kind: "start", log: false, options: { port: 8787 } });
    expect(parseCliArgs([], { OPENAI_EMULATOR_PORT: "9001" })).toEqual({
      kind: "start",
      log: false,
      options: {},
    });
    expect(parseCliArgs(["--profile", "groq"], {})).toMatchObject({ options: { profile: "groq" } });
    expect(parseCliArgs(["--help"], {})).toEqual({ kind: "help" });
    expect(parseCliArgs(["--version"], {})).toEqual({ kind: "version" });
  });

  test.each([
    [["--verbose"], '--verbose: Unknown argument "--verbose". Run with --help to see the options.'],
    [["--port"], "--port: --port needs a value."],
    [["--port", "--log"], "--port: --port needs a value."],
    [["--port", "x"], '--port: Expected --port to be an integer port from 0 to 65535; got "x".'],
    [["--time-scale", "fast"], '--time-scale: Expected --time-scale to be a number above 0; got "fast".'],
    [["--faults", "{}"], "--faults: Expected `--faults` to be an array of fault rules; got an object."],
    [
      ["--output-order", "sorted"],
      '--output-order: Expected --output-order to be shuffled or input; got "sorted".',
    ],
    [
      ["--output-order-seed", "-2"],
      '--output-order-seed: Expected --output-order-seed to be an integer from 0 to 4294967295; got "-2".',
    ],
    [
      ["--profile", "bedrock"],
      '--profile: Expected --profile to be one of openai, azure, groq, together; got "bedrock".',
    ],
  ])("%j is refused", (argv, message) => {
    expect(configError(() => parseCliArgs(argv, {}))).toBe(message);
  });
});
