import { createHash } from "node:crypto";
import { type BatchInputs, DEFAULTS } from "../contract";
import type { InputProblem } from "../errors";
import { checkArguments } from "../validation/arguments";
import { formatReport } from "../validation/jsonl/format";
import { type BatchInputSource, validateBatchInput } from "../validation/jsonl/validate";
import { containsUnknown, isUnknown } from "../validation/unknowns";
import { withRequestDefaults } from "./request-defaults";
import { resolveInputFile } from "./upload-body";

export interface CheckOutcome {
  inputs: BatchInputs;
  failures: InputProblem[];
}

/**
 * Validates every argument and the JSONL content, without any network call, and adds what later
 * steps need: defaults, the sha256 and line count of the bytes to upload, and the create token.
 * Every problem is returned, one per property, so that preview shows them all at once (the JSONL
 * is read even when another argument is wrong); unknown values (preview) are passed over.
 */
export async function checkBatch(
  news: Readonly<Record<string, unknown>>,
  cwd: string,
): Promise<CheckOutcome> {
  const argumentFailures = checkArguments(news);
  const inputs = withDefaults(news);
  const failed = new Set(argumentFailures.map((failure) => failure.property));
  const complete = failed.has("requests") || applyRequestDefaults(inputs, failed.has("endpoint"));
  const source =
    failed.has("requests") || failed.has("inputFile") || !complete ? undefined : sourceOf(inputs, cwd);
  const contentFailures =
    source === undefined ? [] : await checkContent(source, inputs, failed.has("endpoint"));
  const failures = [...argumentFailures, ...contentFailures];
  if (failures.length === 0) {
    const token = createTokenOf(inputs);
    if (token !== undefined) {
      inputs.createToken = token;
    }
  }
  return { inputs, failures };
}

/** Reads the JSONL, records its hash and line count in `inputs`, and returns its problems. */
async function checkContent(
  source: SourceToRead,
  inputs: BatchInputs,
  endpointFailed: boolean,
): Promise<InputProblem[]> {
  const endpoint = endpointFailed || isUnknown(inputs.endpoint) ? undefined : inputs.endpoint;
  const report = await readReport(source.input, endpoint);
  if ("failure" in report) {
    return [{ property: source.property, reason: report.failure }];
  }
  if (!report.ok) {
    return formatReport(report, source.label).map((reason) => ({ property: source.property, reason }));
  }
  if (report.sha256 !== undefined) {
    inputs.inputSha256 = report.sha256;
    inputs.requestCount = report.lineCount;
  }
  return [];
}

/** The news as inputs, with defaults filled in and `undefined` dropped (the host cannot send it). */
function withDefaults(news: Readonly<Record<string, unknown>>): BatchInputs {
  const defined = Object.fromEntries(Object.entries(news).filter(([, value]) => value !== undefined));
  delete defined.inputSha256;
  delete defined.requestCount;
  delete defined.createToken;
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
  label: string;
  input: BatchInputSource;
}

function sourceOf(inputs: BatchInputs, cwd: string): SourceToRead | undefined {
  if (inputs.requests !== undefined && !containsUnknown(inputs.requests)) {
    return { property: "requests", label: "requests", input: { requests: inputs.requests } };
  }
  if (inputs.inputFile !== undefined && !isUnknown(inputs.inputFile)) {
    return {
      property: "inputFile",
      label: inputs.inputFile,
      input: { path: resolveInputFile(inputs.inputFile, cwd) },
    };
  }
  return undefined;
}

async function readReport(input: BatchInputSource, endpoint: string | undefined) {
  try {
    return await validateBatchInput(input, endpoint === undefined ? {} : { endpoint });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const path = "path" in input ? input.path : "";
    const failure =
      code === "ENOENT"
        ? `cannot read ${path}: there is no such file; inputFile is relative to the Pulumi project's directory`
        : `cannot read ${path}: ${(error as Error).message}`;
    return { failure };
  }
}

/**
 * The token written into the batch's metadata. It is the same for every attempt to create the
 * same batch for the same resource, so that a create that runs again after an interrupted
 * `pulumi up` finds the batch the first attempt made. It is undefined while anything it depends
 * on is unknown.
 */
function createTokenOf(inputs: BatchInputs): string | undefined {
  const identity = {
    resourceKey: inputs.resourceKey,
    endpoint: inputs.endpoint,
    input: inputs.inputFileId ?? inputs.inputSha256,
    completionWindow: inputs.completionWindow,
    metadata: inputs.metadata,
    outputExpiresAfter: inputs.outputExpiresAfter,
  };
  if (identity.input === undefined || containsUnknown(identity)) {
    return undefined;
  }
  return createHash("sha256").update(JSON.stringify(identity)).digest("hex").slice(0, 32);
}
