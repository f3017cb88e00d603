import {
  DEFAULT_BASE_URL,
  DEFAULT_MAX_RETRIES,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  SETTING_SOURCES,
  type SettingName,
} from "../runtime/settings";

/** One config variable of the plugin (`openai-batch:<name>`), described for the schema. */
export interface ConfigVariableDescription {
  type: "string" | "integer" | "number";
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
} as const satisfies Record<SettingName, ConfigVariableDescription>;
