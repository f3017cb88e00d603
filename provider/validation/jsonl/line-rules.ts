import {
  type BackendProfile,
  canonicalEndpoint,
  endpointNames,
  lineUrlsOf,
  OPENAI_PROFILE,
} from "../../backends";
import { countEmbeddingInputs, endpointRequiresModel, missingBodyFields } from "./endpoint-rules";
import type { LineProblem } from "./line-problem";

/** What the rules remember from one line to the next. Created per input by `newLineRulesState`. */
export interface LineRulesState {
  /** The batch endpoint, or undefined when it is not known yet (preview). */
  endpoint: string | undefined;
  /** The backend whose rules apply: its endpoints and line urls, limits and custom_id length. */
  readonly backend: BackendProfile;
  /** The url of the first line that has one: every line must carry the same. */
  firstUrl: { url: string; line: number } | undefined;
  /** Take the endpoint from the first url that names one, when none is given (the CLI). */
  readonly endpointFromFirstLine: boolean;
  /** How messages name another line: `line 5`, or `requests[4]` for inline requests. */
  readonly lineName: (line: number) => string;
  readonly customIds: Map<string, number>;
  model: { name: string; line: number; explicit: boolean } | undefined;
  embeddingInputs: number;
}

export interface LineRulesOptions {
  endpoint: string | undefined;
  backend?: BackendProfile;
  endpointFromFirstLine?: boolean;
  lineName?: (line: number) => string;
}

export function newLineRulesState(options: LineRulesOptions): LineRulesState {
  return {
    endpoint: options.endpoint,
    backend: options.backend ?? OPENAI_PROFILE,
    firstUrl: undefined,
    endpointFromFirstLine: options.endpointFromFirstLine ?? false,
    lineName: options.lineName ?? ((line) => `line ${line}`),
    customIds: new Map(),
    model: undefined,
    embeddingInputs: 0,
  };
}

const DEFAULT_MODEL = "(the endpoint's default model)";

/**
 * Checks one parsed request line against the rules of the Batch API, and records what later lines
 * are compared with (custom ids, the model, the embedding input count). Pure apart from `state`.
 */
export function checkRequestLine(value: unknown, line: number, state: LineRulesState): LineProblem[] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ line, message: "must be a JSON object with custom_id, method, url and body" }];
  }
  const request = value as Record<string, unknown>;
  // Where lines need only custom_id and body (Together), method and url are checked when given.
  const optional = !state.backend.linesNeedMethodAndUrl;
  return [
    ...checkCustomId(request.custom_id, line, state),
    ...(optional && request.method === undefined ? [] : checkMethod(request.method, line)),
    ...(optional && request.url === undefined ? [] : checkUrl(request.url, line, state)),
    ...checkBody(request.body, line, state),
  ];
}

function checkCustomId(customId: unknown, line: number, state: LineRulesState): LineProblem[] {
  if (customId === undefined) {
    return [
      { line, field: "custom_id", message: "custom_id is missing; give every line a unique custom_id" },
    ];
  }
  if (typeof customId !== "string" || customId.length === 0) {
    return [{ line, field: "custom_id", message: "custom_id must be a non-empty string" }];
  }
  const most = state.backend.maxCustomIdLength;
  if (most !== undefined && customId.length > most) {
    return [
      {
        line,
        field: "custom_id",
        message: `custom_id is ${customId.length} characters long; ${state.backend.name} allows at most ${most}, so shorten it`,
      },
    ];
  }
  const firstLine = state.customIds.get(customId);
  if (firstLine !== undefined) {
    return [
      {
        line,
        field: "custom_id",
        message: `custom_id ${JSON.stringify(customId)} is already used on ${state.lineName(firstLine)}; every custom_id must be unique`,
      },
    ];
  }
  state.customIds.set(customId, line);
  return [];
}

function checkMethod(method: unknown, line: number): LineProblem[] {
  if (method === undefined) {
    return [{ line, field: "method", message: 'method is missing; set it to "POST"' }];
  }
  if (method !== "POST") {
    return [
      {
        line,
        field: "method",
        message: `method is ${JSON.stringify(method)}; the Batch API only runs "POST" requests`,
      },
    ];
  }
  return [];
}

function checkUrl(url: unknown, line: number, state: LineRulesState): LineProblem[] {
  if (url === undefined) {
    return [
      { line, field: "url", message: `url is missing; set it to the batch endpoint${endpointHint(state)}` },
    ];
  }
  if (typeof url !== "string") {
    return [{ line, field: "url", message: `url must be a string${endpointHint(state)}` }];
  }
  const { backend } = state;
  if (state.endpoint === undefined && state.endpointFromFirstLine) {
    if (lineUrlsOf(backend, url) === undefined) {
      return [
        {
          line,
          field: "url",
          message: `url ${JSON.stringify(url)} is not an endpoint ${backend.name === "OpenAI" ? "the Batch API runs" : `${backend.name} runs in a batch`}; use one of ${endpointNames(backend).join(", ")}`,
        },
      ];
    }
    state.endpoint = url;
  }
  const urls = state.endpoint === undefined ? undefined : lineUrlsOf(backend, state.endpoint);
  if (state.endpoint !== undefined && !(urls ?? [state.endpoint]).includes(url)) {
    return [
      {
        line,
        field: "url",
        message:
          urls !== undefined && urls.length > 1
            ? `url is ${JSON.stringify(url)} but the batch endpoint is ${JSON.stringify(state.endpoint)}; ${backend.name} takes ${urls.map((u) => JSON.stringify(u)).join(" or ")} on every line of such a batch`
            : `url is ${JSON.stringify(url)} but the batch endpoint is ${JSON.stringify(state.endpoint)}; every line must use the batch's endpoint`,
      },
    ];
  }
  const first = state.firstUrl;
  if (first !== undefined && url !== first.url && state.endpoint !== undefined) {
    return [
      {
        line,
        field: "url",
        message: `url is ${JSON.stringify(url)} but ${state.lineName(first.line)} uses ${JSON.stringify(first.url)}; every line of a batch must use the same url`,
      },
    ];
  }
  state.firstUrl ??= { url, line };
  return [];
}

function endpointHint(state: LineRulesState): string {
  return state.endpoint === undefined ? "" : ` (${JSON.stringify(state.endpoint)})`;
}

function checkBody(body: unknown, line: number, state: LineRulesState): LineProblem[] {
  if (body === undefined) {
    return [{ line, field: "body", message: "body is missing; it holds the request's parameters" }];
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    return [{ line, field: "body", message: "body must be a JSON object with the request's parameters" }];
  }
  const params = body as Record<string, unknown>;
  return [
    ...checkModel(params.model, line, state),
    ...checkRequiredFields(params, line, state),
    ...checkEmbeddingInputs(params, line, state),
  ];
}

/** The fields the endpoint needs besides the model (which `checkModel` reports). */
function checkRequiredFields(
  params: Record<string, unknown>,
  line: number,
  state: LineRulesState,
): LineProblem[] {
  if (state.endpoint === undefined) {
    return [];
  }
  const endpoint = state.endpoint;
  return missingBodyFields(canonicalEndpoint(endpoint), params)
    .filter((field) => field !== "model")
    .map((field) => {
      const [first] = field.split(" or ");
      return {
        line,
        field: `body.${first}`,
        message: `body.${first} is missing; a ${endpoint} request needs ${field}`,
      };
    });
}

function checkModel(model: unknown, line: number, state: LineRulesState): LineProblem[] {
  if (model !== undefined && typeof model !== "string") {
    return [{ line, field: "body.model", message: "body.model must be a string" }];
  }
  if (
    model === undefined &&
    state.endpoint !== undefined &&
    endpointRequiresModel(canonicalEndpoint(state.endpoint))
  ) {
    return [{ line, field: "body.model", message: "body.model is missing; every line needs the same model" }];
  }
  const name = model ?? DEFAULT_MODEL;
  if (state.model === undefined) {
    state.model = { name, line, explicit: model !== undefined };
    return [];
  }
  if (state.model.name !== name) {
    return [
      {
        line,
        field: "body.model",
        message: `body.model is ${describeModel(name)} but ${state.lineName(state.model.line)} ${usedModel(state.model.name)}; a batch runs one model, so use the same model on every line or split the file`,
      },
    ];
  }
  return [];
}

function describeModel(name: string): string {
  return name === DEFAULT_MODEL ? "not set" : JSON.stringify(name);
}

/** What an earlier line did with its model, for the mismatch message. */
function usedModel(name: string): string {
  return name === DEFAULT_MODEL ? "sets none" : `uses ${JSON.stringify(name)}`;
}

function checkEmbeddingInputs(
  params: Record<string, unknown>,
  line: number,
  state: LineRulesState,
): LineProblem[] {
  if (state.endpoint === undefined || canonicalEndpoint(state.endpoint) !== "/v1/embeddings") {
    return [];
  }
  if (params.input === undefined || params.input === null) {
    return [];
  }
  const most = state.backend.limits.maxEmbeddingInputs;
  const before = state.embeddingInputs;
  state.embeddingInputs += countEmbeddingInputs(params.input);
  if (before <= most && state.embeddingInputs > most) {
    return [
      {
        line,
        field: "body.input",
        message: `this line brings the embedding inputs to ${state.embeddingInputs}; a batch takes at most ${most} embedding inputs in all, so split the file`,
      },
    ];
  }
  return [];
}
