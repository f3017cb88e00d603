import { EmulatorConfigError } from "./errors/config-error";
import { describe, parseFaultRules, parseFaultRulesJson } from "./faults/parse";
import { type EmulatorProfile, emulatorProfile, PROFILE_NAMES, type ProfileName } from "./profiles";
import type { EmulatorDurations, EmulatorOptions, FaultRule, OutputOrderName } from "./types";

/** The environment variables the emulator reads when an option is absent. */
export const ENV = {
  port: "OPENAI_EMULATOR_PORT",
  host: "OPENAI_EMULATOR_HOST",
  apiKey: "OPENAI_EMULATOR_API_KEY",
  timeScale: "OPENAI_EMULATOR_TIME_SCALE",
  dataDir: "OPENAI_EMULATOR_DATA_DIR",
  faults: "OPENAI_EMULATOR_FAULTS",
  enqueuedTokenLimits: "OPENAI_EMULATOR_ENQUEUED_TOKEN_LIMITS",
  outputOrder: "OPENAI_EMULATOR_OUTPUT_ORDER",
  outputOrderSeed: "OPENAI_EMULATOR_OUTPUT_ORDER_SEED",
  profile: "OPENAI_EMULATOR_PROFILE",
  deployments: "OPENAI_EMULATOR_DEPLOYMENTS",
  tokenLimitAtCreate: "OPENAI_EMULATOR_TOKEN_LIMIT_AT_CREATE",
} as const;

/** The seed of the shuffled output order when none is given. */
export const DEFAULT_OUTPUT_ORDER_SEED = 1;

/** How output and error lines are ordered: as the input, or shuffled by a seed. */
export type OutputOrder = { kind: "input" } | { kind: "shuffled"; seed: number };

export const DEFAULT_DURATIONS: EmulatorDurations = {
  validatingMs: 200,
  inProgressMs: 300,
  finalizingMs: 200,
  cancellingMs: 200,
};

/** Options after defaults and environment fallbacks, every value checked. */
export interface ResolvedConfig {
  port: number;
  host: string;
  /** Absent: use the persisted key, or make a new one. */
  apiKey: string | undefined;
  timeScale: number;
  durations: EmulatorDurations;
  manualClock: boolean;
  faults: FaultRule[];
  dataDir: string | undefined;
  enqueuedTokenLimits: ReadonlyMap<string, number>;
  outputOrder: OutputOrder;
  /** The backend emulated, with its deployments (Azure). */
  profile: EmulatorProfile;
  /** Azure: an Entra ID token taken as a bearer token. */
  entraToken: string | undefined;
  log: ((line: string) => void) | undefined;
}

type Env = Readonly<Record<string, string | undefined>>;

/** Applies defaults and environment fallbacks to the options and checks every value. */
export function resolveConfig(options: EmulatorOptions, env: Env): ResolvedConfig {
  return {
    port: resolvePort(options.port, env),
    host: resolveHost(options.host, env),
    apiKey: resolveApiKey(options.apiKey, env),
    timeScale: resolveTimeScale(options.timeScale, env),
    durations: resolveDurations(options.durations),
    manualClock: resolveBoolean(options.manualClock, "manualClock"),
    faults: resolveFaults(options.faults, env),
    dataDir: resolveDataDir(options.dataDir, env),
    enqueuedTokenLimits: resolveTokenLimits(options.enqueuedTokenLimits, env),
    outputOrder: resolveOutputOrder(options, env),
    profile: resolveProfile(options, env),
    entraToken: resolveEntraToken(options.entraToken),
    log: options.log,
  };
}

function resolveProfile(options: EmulatorOptions, env: Env): EmulatorProfile {
  const name = options.profile ?? fromEnv(env, ENV.profile) ?? "openai";
  const setting = options.profile !== undefined ? "profile" : ENV.profile;
  if (!(PROFILE_NAMES as readonly string[]).includes(name)) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be one of ${PROFILE_NAMES.join(", ")}; got ${JSON.stringify(name)}.`,
    );
  }
  const text = fromEnv(env, ENV.deployments);
  const deployments =
    options.deployments !== undefined
      ? checkDeployments(options.deployments, "deployments")
      : text === undefined
        ? undefined
        : checkDeployments(parseDeployments(text, ENV.deployments), ENV.deployments);
  if (deployments !== undefined && name !== "azure") {
    const where = options.deployments !== undefined ? "deployments" : ENV.deployments;
    throw new EmulatorConfigError(
      where,
      `\`${where}\` applies only to the azure profile; the profile is ${name}.`,
    );
  }
  return emulatorProfile(name as ProfileName, deployments, resolveTokenLimitAtCreate(options, env, name));
}

/** Azure only: whether the enqueued-token quota is checked at create (`true`/`false`, `1`/`0` in the environment). */
function resolveTokenLimitAtCreate(options: EmulatorOptions, env: Env, profile: string): boolean {
  const text = fromEnv(env, ENV.tokenLimitAtCreate);
  const setting = options.tokenLimitAtCreate !== undefined ? "tokenLimitAtCreate" : ENV.tokenLimitAtCreate;
  let value: boolean | undefined;
  if (options.tokenLimitAtCreate !== undefined) {
    value = resolveBoolean(options.tokenLimitAtCreate, "tokenLimitAtCreate");
  } else if (text !== undefined) {
    if (!["true", "false", "1", "0"].includes(text.trim())) {
      throw new EmulatorConfigError(
        setting,
        `Expected ${setting} to be true, false, 1 or 0; got ${JSON.stringify(text)}.`,
      );
    }
    value = text.trim() === "true" || text.trim() === "1";
  }
  if (value === true && profile !== "azure") {
    throw new EmulatorConfigError(
      setting,
      `\`${setting}\` applies only to the azure profile (Azure's fail-fast regions); the profile is ${profile}.`,
    );
  }
  return value ?? false;
}

/** Reads `name=model[,name=model...]`, as the CLI flag and the environment give deployments. */
export function parseDeployments(text: string, setting: string): Record<string, string> {
  const deployments: Record<string, string> = {};
  for (const part of text.split(",")) {
    const match = /^\s*([^=\s]+)\s*=\s*([^=\s]+)\s*$/.exec(part);
    if (match === null) {
      throw new EmulatorConfigError(
        setting,
        `Expected \`${setting}\` to be deployment=model pairs separated by commas, e.g. batch-4o-mini=gpt-4o-mini; got ${JSON.stringify(part)}.`,
      );
    }
    deployments[match[1] as string] = match[2] as string;
  }
  return deployments;
}

function checkDeployments(option: Record<string, string>, setting: string): Record<string, string> {
  if (
    typeof option !== "object" ||
    option === null ||
    Array.isArray(option) ||
    Object.keys(option).length === 0
  ) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be an object of deployment names to models, at least one; got ${describe(option)}.`,
    );
  }
  for (const [name, model] of Object.entries(option)) {
    if (typeof model !== "string" || model.trim() === "") {
      throw new EmulatorConfigError(
        `${setting}.${name}`,
        `Expected the model of deployment ${name} to be a model name; got ${describe(model)}.`,
      );
    }
  }
  return option;
}

function resolveEntraToken(option: string | undefined): string | undefined {
  if (option === undefined) return undefined;
  if (typeof option !== "string" || option.length < 8 || !/^[\x21-\x7e]+$/.test(option)) {
    throw new EmulatorConfigError(
      "entraToken",
      "Expected `entraToken` to be at least 8 printable characters without spaces.",
    );
  }
  return option;
}

function fromEnv(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}

function resolvePort(option: number | undefined, env: Env): number {
  const check = (value: number, setting: string): number => {
    if (!Number.isInteger(value) || value < 0 || value > 65_535) {
      throw new EmulatorConfigError(
        setting,
        `Expected \`${setting}\` to be an integer port from 0 to 65535; got ${describe(value)}.`,
      );
    }
    return value;
  };
  if (option !== undefined) return check(option, "port");
  const text = fromEnv(env, ENV.port);
  if (text === undefined) return 0;
  if (!/^\d+$/.test(text.trim())) {
    throw new EmulatorConfigError(
      ENV.port,
      `Expected ${ENV.port} to be an integer port from 0 to 65535; got ${JSON.stringify(text)}.`,
    );
  }
  return check(Number(text), ENV.port);
}

function resolveHost(option: string | undefined, env: Env): string {
  const value = option ?? fromEnv(env, ENV.host) ?? "127.0.0.1";
  const setting = option !== undefined ? "host" : ENV.host;
  if (typeof value !== "string" || value.trim() === "" || /\s/.test(value)) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be a host name or IP address; got ${describe(value)}.`,
    );
  }
  return value;
}

function resolveApiKey(option: string | undefined, env: Env): string | undefined {
  const value = option ?? fromEnv(env, ENV.apiKey);
  if (value === undefined) return undefined;
  const setting = option !== undefined ? "apiKey" : ENV.apiKey;
  if (typeof value !== "string" || value.length < 8 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be at least 8 printable characters without spaces; got ${typeof value === "string" ? `${value.length} characters` : describe(value)}.`,
    );
  }
  return value;
}

function resolveTimeScale(option: number | undefined, env: Env): number {
  const check = (value: number, setting: string, shown: string): number => {
    if (!Number.isFinite(value) || value <= 0 || value > 1_000_000) {
      throw new EmulatorConfigError(
        setting,
        `Expected \`${setting}\` to be a number above 0 and at most 1000000; got ${shown}.`,
      );
    }
    return value;
  };
  if (option !== undefined) return check(option, "timeScale", describe(option));
  const text = fromEnv(env, ENV.timeScale);
  if (text === undefined) return 1;
  const parsed = /^\s*[0-9.eE+-]+\s*$/.test(text) ? Number(text) : Number.NaN;
  return check(parsed, ENV.timeScale, JSON.stringify(text));
}

function resolveDurations(option: Partial<EmulatorDurations> | undefined): EmulatorDurations {
  const durations = { ...DEFAULT_DURATIONS };
  if (option === undefined) return durations;
  if (typeof option !== "object" || option === null) {
    throw new EmulatorConfigError(
      "durations",
      `Expected \`durations\` to be an object; got ${describe(option)}.`,
    );
  }
  for (const [key, value] of Object.entries(option)) {
    if (!(key in DEFAULT_DURATIONS)) {
      throw new EmulatorConfigError(
        `durations.${key}`,
        `Unknown key \`durations.${key}\`; allowed: ${Object.keys(DEFAULT_DURATIONS).join(", ")}.`,
      );
    }
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new EmulatorConfigError(
        `durations.${key}`,
        `Expected \`durations.${key}\` to be a number of milliseconds, 0 or more; got ${describe(value)}.`,
      );
    }
    durations[key as keyof EmulatorDurations] = value;
  }
  return durations;
}

function resolveBoolean(option: boolean | undefined, setting: string): boolean {
  if (option === undefined) return false;
  if (typeof option !== "boolean") {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be true or false; got ${describe(option)}.`,
    );
  }
  return option;
}

function resolveFaults(option: FaultRule[] | undefined, env: Env): FaultRule[] {
  if (option !== undefined) return parseFaultRules(option, "faults");
  const text = fromEnv(env, ENV.faults);
  return text === undefined ? [] : parseFaultRulesJson(text, ENV.faults);
}

function resolveDataDir(option: string | undefined, env: Env): string | undefined {
  const value = option ?? fromEnv(env, ENV.dataDir);
  if (value === undefined) return undefined;
  const setting = option !== undefined ? "dataDir" : ENV.dataDir;
  if (typeof value !== "string" || value.trim() === "") {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be a directory path; got ${describe(value)}.`,
    );
  }
  return value;
}

function resolveTokenLimits(
  option: Record<string, number> | undefined,
  env: Env,
): ReadonlyMap<string, number> {
  if (option !== undefined) return checkTokenLimits(option, "enqueuedTokenLimits");
  const text = fromEnv(env, ENV.enqueuedTokenLimits);
  return text === undefined
    ? new Map()
    : checkTokenLimits(parseTokenLimits(text, ENV.enqueuedTokenLimits), ENV.enqueuedTokenLimits);
}

/** Reads `model=tokens[,model=tokens...]`, as the CLI flag and the environment give it. */
export function parseTokenLimits(text: string, setting: string): Record<string, number> {
  const limits: Record<string, number> = {};
  for (const part of text.split(",")) {
    const match = /^\s*([^=\s]+)\s*=\s*(\d+)\s*$/.exec(part);
    if (match === null) {
      throw new EmulatorConfigError(
        setting,
        `Expected \`${setting}\` to be model=tokens pairs separated by commas, e.g. gpt-4o-mini=2000000; got ${JSON.stringify(part)}.`,
      );
    }
    limits[match[1] as string] = Number(match[2]);
  }
  return limits;
}

function checkTokenLimits(option: Record<string, number>, setting: string): ReadonlyMap<string, number> {
  if (typeof option !== "object" || option === null || Array.isArray(option)) {
    throw new EmulatorConfigError(
      setting,
      `Expected \`${setting}\` to be an object of model names to token counts; got ${describe(option)}.`,
    );
  }
  const limits = new Map<string, number>();
  for (const [model, limit] of Object.entries(option)) {
    if (typeof limit !== "number" || !Number.isSafeInteger(limit) || limit < 1) {
      throw new EmulatorConfigError(
        `${setting}.${model}`,
        `Expected the enqueued-token limit of ${model} to be a whole number of tokens, 1 or more; got ${describe(limit)}.`,
      );
    }
    limits.set(model, limit);
  }
  return limits;
}

const OUTPUT_ORDERS: readonly OutputOrderName[] = ["shuffled", "input"];

function resolveOutputOrder(options: EmulatorOptions, env: Env): OutputOrder {
  const name = options.outputOrder ?? fromEnv(env, ENV.outputOrder) ?? "shuffled";
  const nameSetting = options.outputOrder !== undefined ? "outputOrder" : ENV.outputOrder;
  if (!OUTPUT_ORDERS.includes(name as OutputOrderName)) {
    throw new EmulatorConfigError(
      nameSetting,
      `Expected \`${nameSetting}\` to be "shuffled" or "input"; got ${JSON.stringify(name)}.`,
    );
  }
  const seedSetting = options.outputOrderSeed !== undefined ? "outputOrderSeed" : ENV.outputOrderSeed;
  const text = fromEnv(env, ENV.outputOrderSeed);
  const seed =
    options.outputOrderSeed ??
    (text === undefined ? DEFAULT_OUTPUT_ORDER_SEED : /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
    throw new EmulatorConfigError(
      seedSetting,
      `Expected \`${seedSetting}\` to be an integer from 0 to 4294967295; got ${text !== undefined && options.outputOrderSeed === undefined ? JSON.stringify(text) : describe(seed)}.`,
    );
  }
  return name === "input" ? { kind: "input" } : { kind: "shuffled", seed };
}
