import {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  SETTING_SOURCES,
  type SettingName,
} from "../runtime/settings";

/** One config variable of the plugin (`openai-batch:<name>`), described for the schema. */
export interface ConfigVariableDescription {
  type: "string" | "integer" | "number" | "boolean";
  description: string;
  secret?: true;
  default?: string | number;
  /** The environment variable read when the config is not set. */
  environment?: string;
}

/** Every setting of `runtime/settings.ts`, described; a new setting does not compile until it is here. */
export const CONFIG_VARIABLES = {
  apiKey: {
    type: "string",
    secret: true,
    environment: SETTING_SOURCES.apiKey.env,
    description: "The OpenAI API key.",
  },
  baseUrl: {
    type: "string",
    default: DEFAULT_BASE_URL,
    environment: SETTING_SOURCES.baseUrl.env,
    description: "The API's base URL, for a proxy or a local emulator.",
  },
  organization: {
    type: "string",
    environment: SETTING_SOURCES.organization.env,
    description: "The OpenAI organization the requests are made for.",
  },
  project: {
    type: "string",
    environment: SETTING_SOURCES.project.env,
    description: "The OpenAI project the requests are made for.",
  },
  maxRetries: {
    type: "integer",
    default: DEFAULT_MAX_RETRIES,
    description: "How often a call that is safe to repeat is retried.",
  },
  requestTimeoutSeconds: {
    type: "number",
    default: DEFAULT_REQUEST_TIMEOUT_SECONDS,
    description: "How long one HTTP request may take, in seconds.",
  },
  backend: {
    type: "string",
    description:
      "The batch backend: `openai`, `azure` (Azure OpenAI) or `compatible` (an OpenAI-compatible API such as Groq or Together). When not set: `azure` for a `*.openai.azure.com` or `*.cognitiveservices.azure.com` base URL, `compatible` for Groq's and Together's hosts, else `openai`.",
  },
  apiVersion: {
    type: "string",
    description:
      "Azure only: the version of Azure's older API (`/openai/files?api-version=...`), such as `2024-10-21`. When not set, Azure's v1 API (`/openai/v1/`) is used.",
  },
  models: {
    type: "string",
    description:
      'The model each deployment name in the request lines runs, as a JSON object (`{"my-batch-deployment": "gpt-4o-mini"}`), for the cost estimate.',
  },
  prices: {
    type: "string",
    description:
      "Prices for every batch, as a JSON object of model names to `{input, output, cachedInput?}` in US dollars per million tokens at batch rates; under each resource's `prices`.",
  },
  preset: {
    type: "string",
    description:
      "Compatible backends: the documented limits of `groq` or `together`. When not set: the one of the base URL's host, if any.",
  },
  maxRequestsPerFile: {
    type: "integer",
    description:
      "Compatible backends: the most requests in one input file (default: the preset's, else 50000).",
  },
  maxBytesPerFile: {
    type: "integer",
    description:
      "Compatible backends: the most bytes in one input file (default: the preset's, else 209715200).",
  },
  endpoints: {
    type: "string",
    description:
      "Compatible backends: the endpoints a batch may name, separated by commas (default: the preset's, else OpenAI's).",
  },
  filePurpose: {
    type: "string",
    description:
      "Compatible backends: the purpose input files are uploaded with (default: the preset's, else `batch`).",
  },
  maxCustomIdLength: {
    type: "integer",
    description:
      "Compatible backends: the most characters in a `custom_id` (default: the preset's, else no bound).",
  },
  batchMetadata: {
    type: "boolean",
    description:
      "Compatible backends: whether batches keep their metadata, which carries the create token (default: the preset's, else true); when false, the token rides in the input file's name.",
  },
} as const satisfies Record<SettingName, ConfigVariableDescription>;
