import { ENV, parseDeployments, parseTokenLimits } from "./config";
import { EmulatorConfigError } from "./errors/config-error";
import { parseFaultRulesJson } from "./faults/parse";
import { PROFILE_NAMES, type ProfileName } from "./profiles";
import type { EmulatorOptions } from "./types";

export const USAGE = `Usage: openai-batch-emulator [options]

A local emulator of the OpenAI Files, Batches and Uploads API.

Options:
  --port <n>          port to listen on (default 8787; 0 = any free port)      env ${ENV.port}
  --host <host>       interface to bind (default 127.0.0.1)                    env ${ENV.host}
  --api-key <key>     key clients must send (default: random, or the one kept
                      in --data-dir)                                           env ${ENV.apiKey}
  --data-dir <dir>    keep files, batches and the key across restarts          env ${ENV.dataDir}
  --time-scale <x>    run emulator time x times faster than real time          env ${ENV.timeScale}
  --faults <json>     fault rules, e.g. '[{"kind":"rate_limit","count":2}]'    env ${ENV.faults}
                      or failed batch requests, e.g.
                      '[{"kind":"request_failure","rate":0.1,"seed":7,"statusCode":503}]'
  --enqueued-token-limit <model=tokens[,model=tokens]>
                      the organization's enqueued-token limit per model, e.g.
                      gpt-4o-mini=2000000                                      env ${ENV.enqueuedTokenLimits}
  --output-order <shuffled|input>
                      order of the lines in output and error files (default
                      shuffled: a seeded order, never the input's)             env ${ENV.outputOrder}
  --output-order-seed <n>
                      seed of the shuffled order (default 1)                   env ${ENV.outputOrderSeed}
  --profile <openai|azure|groq|together>
                      the backend emulated (default openai); azure serves
                      /openai/v1 and /openai?api-version=, takes the key in
                      api-key, and keeps Azure's limits; groq serves
                      /openai/v1; together takes files of purpose batch-api
                      and {custom_id, body} lines (see the README)             env ${ENV.profile}
  --deployments <name=model[,name=model]>
                      azure: the deployments lines may name, e.g.
                      batch-mini=gpt-4o-mini (default: one per model)          env ${ENV.deployments}
  --token-limit-at-create
                      azure: refuse a batch over its deployment's enqueued-token
                      limit at create (400 token_limit_exceeded), as Azure's
                      fail-fast regions do                                     env ${ENV.tokenLimitAtCreate}
  --manual-clock      time only moves through POST /_emulator/clock/advance
  --log               print one line per request to stderr
  --version           print the version
  --help              show this help

Exit codes: 0 after a clean stop (SIGINT or SIGTERM), 1 on an unexpected failure, 2 for a wrong
option or an unusable data directory.

Admin API (loopback only): /_emulator/clock, /_emulator/clock/advance, /_emulator/calls,
/_emulator/faults, /_emulator/batches/{id}/status, /_emulator/reset.`;

export type CliCommand =
  | { kind: "help" }
  | { kind: "version" }
  | { kind: "start"; options: EmulatorOptions; log: boolean };

const VALUE_FLAGS = [
  "--port",
  "--host",
  "--api-key",
  "--data-dir",
  "--time-scale",
  "--faults",
  "--enqueued-token-limit",
  "--output-order",
  "--output-order-seed",
  "--profile",
  "--deployments",
];
const SWITCHES = ["--manual-clock", "--token-limit-at-create", "--log", "--help", "-h", "--version"];

/** Reads the command line. The port defaults to 8787 unless given by flag or environment. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq !== -1 ? arg.slice(0, eq) : arg;
    if (SWITCHES.includes(flag)) {
      switches.add(flag);
      continue;
    }
    if (!VALUE_FLAGS.includes(flag)) {
      throw new EmulatorConfigError(
        flag,
        `Unknown argument ${JSON.stringify(arg)}. Run with --help to see the options.`,
      );
    }
    const value = eq !== -1 && arg.startsWith("--") ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined || (eq === -1 && value.startsWith("--"))) {
      throw new EmulatorConfigError(flag, `${flag} needs a value.`);
    }
    values.set(flag, value);
  }
  if (switches.has("--help") || switches.has("-h")) return { kind: "help" };
  if (switches.has("--version")) return { kind: "version" };

  const options: EmulatorOptions = {};
  const port = values.get("--port");
  if (port !== undefined) options.port = integer(port, "--port");
  else if ((env[ENV.port] ?? "") === "") options.port = 8787;
  const host = values.get("--host");
  if (host !== undefined) options.host = host;
  const apiKey = values.get("--api-key");
  if (apiKey !== undefined) options.apiKey = apiKey;
  const dataDir = values.get("--data-dir");
  if (dataDir !== undefined) options.dataDir = dataDir;
  const timeScale = values.get("--time-scale");
  if (timeScale !== undefined) options.timeScale = decimal(timeScale, "--time-scale");
  const faults = values.get("--faults");
  if (faults !== undefined) options.faults = parseFaultRulesJson(faults, "--faults");
  const tokenLimits = values.get("--enqueued-token-limit");
  if (tokenLimits !== undefined) {
    options.enqueuedTokenLimits = parseTokenLimits(tokenLimits, "--enqueued-token-limit");
  }
  const outputOrder = values.get("--output-order");
  if (outputOrder !== undefined) {
    if (outputOrder !== "shuffled" && outputOrder !== "input") {
      throw new EmulatorConfigError(
        "--output-order",
        `Expected --output-order to be shuffled or input; got ${JSON.stringify(outputOrder)}.`,
      );
    }
    options.outputOrder = outputOrder;
  }
  const seed = values.get("--output-order-seed");
  if (seed !== undefined) {
    if (!/^\d+$/.test(seed) || Number(seed) > 0xffff_ffff) {
      throw new EmulatorConfigError(
        "--output-order-seed",
        `Expected --output-order-seed to be an integer from 0 to 4294967295; got ${JSON.stringify(seed)}.`,
      );
    }
    options.outputOrderSeed = Number(seed);
  }
  const profile = values.get("--profile");
  if (profile !== undefined) {
    if (!(PROFILE_NAMES as readonly string[]).includes(profile)) {
      throw new EmulatorConfigError(
        "--profile",
        `Expected --profile to be one of ${PROFILE_NAMES.join(", ")}; got ${JSON.stringify(profile)}.`,
      );
    }
    options.profile = profile as ProfileName;
  }
  const deployments = values.get("--deployments");
  if (deployments !== undefined) options.deployments = parseDeployments(deployments, "--deployments");
  if (switches.has("--manual-clock")) options.manualClock = true;
  if (switches.has("--token-limit-at-create")) options.tokenLimitAtCreate = true;
  return { kind: "start", options, log: switches.has("--log") };
}

function integer(text: string, flag: string): number {
  if (!/^\d+$/.test(text)) {
    throw new EmulatorConfigError(
      flag,
      `Expected ${flag} to be an integer port from 0 to 65535; got ${JSON.stringify(text)}.`,
    );
  }
  return Number(text);
}

function decimal(text: string, flag: string): number {
  const value = /^[0-9.eE+-]+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value <= 0) {
    throw new EmulatorConfigError(
      flag,
      `Expected ${flag} to be a number above 0; got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}
