import { type BackendProfile, OPENAI_PROFILE } from "../backends";
import { type BatchInputs, DEFAULTS } from "../contract";
import { costArgumentProblems } from "../cost/arguments";
import { checkCost } from "../cost/batch-estimate";
import { tallyCacheDir } from "../cost/cache";
import type { PriceOverrides } from "../cost/prices";
import { noun } from "../display";
import { type InputProblem, isBatchInputFileError } from "../errors";
import { batchPathProblems } from "../paths/batch-paths";
import { readShardOrigin } from "../set/shard-origin";
import { checkArguments } from "../validation/arguments";
import { lineReference, quotedCustomId } from "../validation/jsonl/format";
import type { LineProblem } from "../validation/jsonl/line-problem";
import {
  type BatchInputReport,
  type BatchInputSource,
  validateBatchInput,
} from "../validation/jsonl/validate";
import { withRequestDefaults } from "../validation/request-defaults";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import type { Logger } from "./logger";
import { resolveInputFile } from "./upload-body";

export interface CheckOutcome {
  inputs: BatchInputs;
  failures: InputProblem[];
  /** How many requests set no output limit while nothing bounds their output (0 for none). */
  unboundedRequests: number;
}

/**
 * Validates every argument and the JSONL content, without any network call, and adds what later
 * steps need: defaults, the sha256 and line count of the bytes to upload, and the estimate. The
 * create token is no input (a plan would show it): see create-token.ts.
 * Every problem is returned, one per property, so that preview shows them all at once (the JSONL
 * is read even when another argument is wrong); unknown values (preview) are passed over.
 */
export async function checkBatch(
  news: Readonly<Record<string, unknown>>,
  cwd: string,
  options: CheckOptions = {},
): Promise<CheckOutcome> {
  const backend = options.backend ?? OPENAI_PROFILE;
  const valueFailures = [...checkArguments(news, backend), ...costArgumentProblems(news)];
  const failed = new Set(valueFailures.map((failure) => failure.property));
  const argumentFailures = [...valueFailures, ...batchPathProblems(news, cwd, failed)];
  const inputs = withDefaults(news);
  const complete = failed.has("requests") || applyRequestDefaults(inputs, failed.has("endpoint"));
  const source =
    failed.has("requests") || failed.has("inputFile") || !complete ? undefined : sourceOf(inputs, cwd);
  const contentFailures =
    source === undefined ? [] : await checkContent(source, inputs, failed.has("endpoint"), backend);
  const cost =
    contentFailures.length === 0 && !failed.has("endpoint")
      ? await estimateInto(inputs, source, failed, cwd, options)
      : NOT_ESTIMATED;
  return {
    inputs,
    failures: [...argumentFailures, ...contentFailures, ...cost.failures],
    unboundedRequests: cost.unboundedRequests,
  };
}

export interface CheckOptions {
  /** Where token counts are cached; default `.pulumi-openai-batch/cache` under the project. Null for none. */
  cacheDir?: string | null;
  /** Where the estimate's warnings go (an unknown model, unbounded output, uncounted images). */
  log?: Logger;
  /**
   * Also told each of the estimate's warnings, to show them under the resource; not the one about
   * unbounded output with `unboundedOutputWarned` false (a set's batch: the set says it once).
   */
  warn?: (message: string) => void;
  /** False for a batch of a set: its warning about unbounded output is left to the set. */
  unboundedOutputWarned?: boolean;
  /** The backend whose endpoints, limits and line rules apply, and whose models are priced; OpenAI's when absent. */
  backend?: BackendProfile;
  /** The stack's `openai:prices` setting, under the `prices` argument. */
  prices?: PriceOverrides | undefined;
  /** The stack config namespace the messages name settings in; `openai` when not given. */
  configNamespace?: string | undefined;
}

/**
 * Adds the cost estimate to `inputs` once the content is valid and known, and applies the
 * `maxCostUsd` guard. Returns the guard's failures.
 */
/** What the estimate found: the `maxCostUsd` guard's failures, and the requests of unbounded output. */
interface EstimateFindings {
  failures: InputProblem[];
  unboundedRequests: number;
}

const NOT_ESTIMATED: EstimateFindings = { failures: [], unboundedRequests: 0 };

async function estimateInto(
  inputs: BatchInputs,
  source: SourceToRead | undefined,
  failed: ReadonlySet<string>,
  cwd: string,
  options: CheckOptions,
): Promise<EstimateFindings> {
  // With any of the cost arguments unknown (preview), the estimate is shown but not enforced.
  const settled = [inputs.maxCostUsd, inputs.assumedOutputTokensPerRequest, inputs.prices].every(
    (value) => !containsUnknown(value),
  );
  const guarded = inputs.maxCostUsd !== undefined && settled && !failed.has("maxCostUsd");
  if (inputs.inputFileId !== undefined && guarded) {
    const reason =
      "maxCostUsd needs the requests: the content of inputFileId is not read before the batch runs; give the requests with inputFile or requests, or remove maxCostUsd";
    return { failures: [{ property: "maxCostUsd", reason }], unboundedRequests: 0 };
  }
  if (source === undefined || inputs.inputSha256 === undefined || isUnknown(inputs.endpoint)) {
    return NOT_ESTIMATED;
  }
  const usable = (name: "assumedOutputTokensPerRequest" | "prices") =>
    inputs[name] !== undefined && !containsUnknown(inputs[name]) && !failed.has(name);
  const outcome = await checkCost({
    endpoint: inputs.endpoint,
    content: "path" in source.input ? { path: source.input.path } : { requests: inputs.requests ?? [] },
    sha256: inputs.inputSha256,
    cacheDir: options.cacheDir === null ? undefined : (options.cacheDir ?? tallyCacheDir(cwd)),
    maxCostUsd: guarded ? inputs.maxCostUsd : undefined,
    assumedOutputTokensPerRequest: usable("assumedOutputTokensPerRequest")
      ? inputs.assumedOutputTokensPerRequest
      : undefined,
    prices: usable("prices") ? inputs.prices : undefined,
    backend: options.backend,
    settingPrices: options.prices,
    configNamespace: options.configNamespace,
  });
  inputs.estimate = outcome.estimate;
  const quiet = options.unboundedOutputWarned === false ? outcome.unboundedOutput?.warning : undefined;
  for (const warning of outcome.warnings) {
    options.log?.warn(`${source.label}: ${warning}`);
    if (warning !== quiet) options.warn?.(`${source.label}: ${warning}`);
  }
  return { failures: outcome.failures, unboundedRequests: outcome.unboundedOutput?.requests ?? 0 };
}

/** Reads the JSONL, records its hash and line count in `inputs`, and returns its problems. */
async function checkContent(
  source: SourceToRead,
  inputs: BatchInputs,
  endpointFailed: boolean,
  backend: BackendProfile,
): Promise<InputProblem[]> {
  const endpoint = endpointFailed || isUnknown(inputs.endpoint) ? undefined : inputs.endpoint;
  const report = await readReport(source, endpoint, backend);
  if ("failure" in report) {
    return [{ property: source.property, reason: report.failure }];
  }
  if (!report.ok) {
    return problemsOf(report, source);
  }
  if (report.sha256 !== undefined) {
    inputs.inputSha256 = report.sha256;
    inputs.requestCount = report.lineCount;
  }
  return [];
}

/**
 * One failure per problem. An inline request's problem names that request's own path
 * (`requests[16].body.model`), never just `requests`, whose whole array the engine would print,
 * and its custom_id when it has one; a problem of the whole array (too many, too large) names
 * `requests` in its text. A file's problems name the resolved path, the line and the custom_id:
 * `/project/requests.jsonl:17 (custom_id "q-17"): ...`.
 */
function problemsOf(report: BatchInputReport, source: SourceToRead): InputProblem[] {
  const problems = report.problems.map((problem) =>
    source.property === "requests"
      ? requestProblem(problem)
      : {
          property: source.property,
          reason: `${lineReference(source.label, shifted(problem, source.lineShift))}: ${problem.message}`,
        },
  );
  const unlisted = report.problemCount - report.problems.length;
  if (unlisted > 0) {
    problems.push({
      property: source.property === "requests" ? "" : source.property,
      reason: `${source.label}: ... and ${unlisted} more ${noun(unlisted, "problem")}`,
    });
  }
  return problems;
}

/** The problem with its line as the set's input numbers it, for a set's shard. */
function shifted(problem: LineProblem, lineShift: number | undefined): LineProblem {
  return problem.line === undefined || lineShift === undefined
    ? problem
    : { ...problem, line: problem.line + lineShift };
}

function requestProblem(problem: LineProblem): InputProblem {
  if (problem.line === undefined) {
    return { property: "", reason: `requests: ${problem.message}` };
  }
  const index = `requests[${problem.line - 1}]`;
  const field =
    problem.field === undefined ? "" : problem.field.startsWith("[") ? problem.field : `.${problem.field}`;
  if (problem.customId === undefined) return { property: `${index}${field}`, reason: problem.message };
  // On the resource, as the engine is given every nested path: `requests[3].body.model (custom_id "q-4"): ...`.
  return {
    property: "",
    reason: `${index}${field} (custom_id ${quotedCustomId(problem.customId)}): ${problem.message}`,
  };
}

/** The news as inputs, with defaults filled in and `undefined` dropped (the host cannot send it). */
function withDefaults(news: Readonly<Record<string, unknown>>): BatchInputs {
  const defined = Object.fromEntries(Object.entries(news).filter(([, value]) => value !== undefined));
  delete defined.inputSha256;
  delete defined.requestCount;
  delete defined.createToken;
  delete defined.estimate;
  return { ...DEFAULTS, ...defined } as BatchInputs;
}

/**
 * Fills in `method` and `url` of inline request lines that leave them out. False when that cannot
 * be done (a line without url while the endpoint is unknown, or wrong and so reported already):
 * the content is then checked once the endpoint is known and right.
 */
function applyRequestDefaults(inputs: BatchInputs, endpointFailed: boolean): boolean {
  if (!Array.isArray(inputs.requests) || containsUnknown(inputs.requests)) {
    return true;
  }
  const filled = withRequestDefaults(inputs.requests, endpointFailed ? undefined : inputs.endpoint);
  if (filled === undefined) {
    return false;
  }
  inputs.requests = filled as NonNullable<BatchInputs["requests"]>;
  return true;
}

interface SourceToRead {
  property: "requests" | "inputFile";
  /** How messages name the input: `requests`, the resolved path of the file, or a set's input file. */
  label: string;
  /** Added to a problem's line: where a set's shard begins in the set's input, less one. */
  lineShift?: number;
  input: BatchInputSource;
}

function sourceOf(inputs: BatchInputs, cwd: string): SourceToRead | undefined {
  if (inputs.requests !== undefined && !containsUnknown(inputs.requests)) {
    return { property: "requests", label: "requests", input: { requests: inputs.requests } };
  }
  if (inputs.inputFile !== undefined && !isUnknown(inputs.inputFile)) {
    const path = resolveInputFile(inputs.inputFile, cwd);
    // A BatchSet's shard: its problems name the set's input file and the line there.
    const origin = readShardOrigin(path);
    return origin?.inputFile === undefined
      ? { property: "inputFile", label: path, input: { path } }
      : { property: "inputFile", label: origin.inputFile, lineShift: origin.firstLine - 1, input: { path } };
  }
  return undefined;
}

async function readReport(
  source: SourceToRead,
  endpoint: string | undefined,
  backend: BackendProfile,
): Promise<BatchInputReport | { failure: string }> {
  try {
    return await validateBatchInput(
      source.input,
      endpoint === undefined ? { backend } : { endpoint, backend },
    );
  } catch (error) {
    if (!isBatchInputFileError(error)) {
      throw error;
    }
    const hint =
      error.reason === "there is no such file"
        ? "; inputFile is relative to the Pulumi project's directory"
        : "";
    return { failure: `${error.message}${hint}` };
  }
}
