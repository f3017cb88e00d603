import type { SettingsAdvice } from "../errors";

/**
 * Who reads the settings (the key, the URL, the organization and the project), and so what a
 * message tells the user to change: Pulumi's stack config for the provider (in the `openai`
 * namespace, or the plugin's), the environment for the `openai-batch` command, and the
 * environment or the options for `readBatchResults` in a program.
 */
export type SettingsAudience =
  | { readonly via: "pulumi"; readonly namespace?: string | undefined }
  | { readonly via: "cli" }
  | { readonly via: "code" };

export const PULUMI_AUDIENCE: SettingsAudience = { via: "pulumi" };
export const CLI_AUDIENCE: SettingsAudience = { via: "cli" };
export const CODE_AUDIENCE: SettingsAudience = { via: "code" };

/** The environment variable of each setting that has one. */
const ENVIRONMENT = {
  apiKey: "OPENAI_API_KEY",
  baseUrl: "OPENAI_BASE_URL",
  organization: "OPENAI_ORG_ID",
  project: "OPENAI_PROJECT_ID",
} as const;

/**
 * How a message names a setting: its stack config key for Pulumi (`openai:baseUrl`), its
 * environment variable for the command (`OPENAI_BASE_URL`), and the option with its variable for
 * a program (`baseUrl (OPENAI_BASE_URL)`). Settings without a variable keep their name.
 */
export function settingLabel(name: string, audience: SettingsAudience): string {
  if (audience.via === "pulumi") return `${audience.namespace ?? "openai"}:${name}`;
  const variable = Object.hasOwn(ENVIRONMENT, name)
    ? ENVIRONMENT[name as keyof typeof ENVIRONMENT]
    : undefined;
  if (variable === undefined) return name;
  return audience.via === "cli" ? variable : `${name} (${variable})`;
}

/** What to do when no key is set, after `no OpenAI API key is set; `. */
export function missingKeyAdvice(audience: SettingsAudience): string {
  switch (audience.via) {
    case "pulumi": {
      const key = settingLabel("apiKey", audience);
      const argument =
        audience.namespace === undefined ? "" : ", or give the provider resource an apiKey argument";
      return `run \`pulumi config set --secret ${key} <key>\`, or set OPENAI_API_KEY in the environment that runs pulumi${argument}`;
    }
    case "cli":
      return "set OPENAI_API_KEY in the environment (export OPENAI_API_KEY=sk-...); for another server than the OpenAI API, such as the local emulator, set OPENAI_BASE_URL too";
    case "code":
      return "set OPENAI_API_KEY in the environment, or pass apiKey";
  }
}

/** The advice of the API's errors (a refused key, no access, a time-out, no answer), for `BatchApiError`. */
export function apiErrorAdvice(audience: SettingsAudience, baseUrl: string): SettingsAdvice {
  const label = (name: string) => settingLabel(name, audience);
  switch (audience.via) {
    case "pulumi":
      return {
        caller: "the provider",
        setKey: `Set a valid key with \`pulumi config set --secret ${label("apiKey")} <key>\`, or in OPENAI_API_KEY in the environment that runs pulumi.`,
        access: `check ${label("organization")} and ${label("project")}`,
        timeout: `raise ${label("requestTimeoutSeconds")} if the network is slow`,
        unreachable: `check ${label("baseUrl")} (or OPENAI_BASE_URL) and the network`,
      };
    case "cli":
    case "code":
      return {
        caller: audience.via === "cli" ? "openai-batch" : "readBatchResults",
        setKey: `Set a valid key in ${label("apiKey")}, one for the server at ${baseUrl} (${label("baseUrl")} names another, such as the local emulator).`,
        access: `check ${label("organization")} and ${label("project")}`,
        timeout: "check the network",
        unreachable: `check ${label("baseUrl")} and the network`,
      };
  }
}
