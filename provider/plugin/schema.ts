import {
  LIVE_OUTPUT_DESCRIPTIONS,
  PROVIDER_OUTPUT_DESCRIPTIONS,
  SET_INPUT_DESCRIPTIONS,
  SET_OUTPUT_DESCRIPTIONS,
  USER_INPUT_DESCRIPTIONS,
} from "../contract";
import type { OnChange } from "../describe";
import { CONFIG_VARIABLES } from "./config";
import {
  BATCH_RESOURCE_TOKEN,
  BATCH_SET_RESOURCE_TOKEN,
  CONFIG_NAMESPACE,
  PACKAGE_NAME,
  PLUGIN_DOWNLOAD_URL,
} from "./names";

/** A property of a Pulumi package schema (the subset this package uses). */
export interface SchemaProperty {
  type?: "string" | "integer" | "number" | "boolean" | "array" | "object";
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  default?: string | number | boolean;
  secret?: boolean;
  replaceOnChanges?: boolean;
  defaultInfo?: { environment: string[] };
}

export interface SchemaObjectType {
  type: "object";
  description: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  license: string;
  repository: string;
  /** Where the engine downloads the plugin from when it is not installed. */
  pluginDownloadURL: string;
  /** `supportPack`: SDKs are generated as self-contained packages (the Go SDK gets its own go.mod). */
  meta: { moduleFormat: string; supportPack: boolean };
  language: Record<string, unknown>;
  config: { variables: Record<string, SchemaProperty> };
  provider: { description: string; inputProperties: Record<string, SchemaProperty> };
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaObjectType>;
}

export interface SchemaResource {
  /** A component: the provider's `construct` makes it and its children. */
  isComponent?: true;
  description: string;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
  properties: Record<string, SchemaProperty>;
  required: string[];
}

/** What `schema.ts` reads of a description: the shapes of `describe.ts`, without their ties to a type. */
type AnyDescription =
  | { type: "any" }
  | { type: "boolean" | "integer" | "number" }
  | { type: "string"; allowed?: readonly string[] }
  | { type: "array"; items: AnyDescription }
  | { type: "map"; values: AnyDescription }
  | { type: "object"; name: string; description: string; properties: Readonly<Record<string, AnyProperty>> };

type AnyProperty = AnyDescription & {
  description: string;
  required?: boolean;
  default?: unknown;
  onChange?: OnChange;
};

/** Go import path of the generated Go SDK (a module of its own, in sdk/go). */
export const GO_IMPORT_BASE_PATH = "github.com/pulumi-openai-batch/pulumi-openai-batch/sdk/go/openaibatch";

/**
 * The Pulumi package schema of the plugin, built from the contract's descriptions: the `Batch`
 * resource (inputs, outputs, the object types they use) and the config variables. `version` is
 * the npm package's.
 */
export function buildSchema(version: string): PackageSchema {
  const types: Record<string, SchemaObjectType> = {};
  const inputs = properties(USER_INPUT_DESCRIPTIONS, types);
  const outputs = properties(
    {
      ...USER_INPUT_DESCRIPTIONS,
      ...withInputsOnChange(LIVE_OUTPUT_DESCRIPTIONS),
      ...PROVIDER_OUTPUT_DESCRIPTIONS,
    },
    types,
  );
  const setInputs = properties(SET_INPUT_DESCRIPTIONS, types);
  const setOutputs = properties(SET_OUTPUT_DESCRIPTIONS, types);
  return {
    name: PACKAGE_NAME,
    displayName: "OpenAI Batch",
    version,
    description:
      "OpenAI Batch jobs as Pulumi resources: preview checks every request line, up uploads the input and creates the batch (and can wait for it), destroy cancels it.",
    keywords: ["pulumi", "openai", "batch", "category/utility"],
    license: "MIT",
    repository: "https://github.com/pulumi-openai-batch/pulumi-openai-batch",
    pluginDownloadURL: PLUGIN_DOWNLOAD_URL,
    meta: { moduleFormat: "(.*)", supportPack: true },
    language: {
      python: {
        packageName: "pulumi_openai_batch",
        pyproject: { enabled: true },
        requires: { pulumi: ">=3.0.0,<4.0.0" },
        respectSchemaVersion: true,
      },
      go: {
        importBasePath: GO_IMPORT_BASE_PATH,
        generateResourceContainerTypes: false,
        respectSchemaVersion: true,
      },
    },
    config: { variables: configVariables() },
    provider: {
      description:
        "The provider of OpenAI Batch resources. Each setting comes from its argument, else from the stack config (`openai-batch:<name>`), else from its `OPENAI_*` environment variable; so one program can use several OpenAI projects or keys, one explicit provider each.",
      inputProperties: providerArguments(),
    },
    resources: {
      [BATCH_RESOURCE_TOKEN]: {
        description:
          "An OpenAI Batch job. `pulumi up` uploads the input and creates the batch, `pulumi refresh` reads it, `pulumi destroy` cancels it, and a change of what it runs replaces it. Give exactly one of `requests`, `inputFile` and `inputFileId`.",
        inputProperties: inputs.properties,
        requiredInputs: inputs.required,
        properties: outputs.properties,
        required: outputs.required,
      },
      [BATCH_SET_RESOURCE_TOKEN]: {
        isComponent: true,
        description:
          "Any number of requests, split into batches within the API's limits (50,000 requests and 200 MB each, and the enqueued-token limit with `maxEnqueuedTokens`); one child `Batch` per shard. The split is content-defined: an edit of one request replaces only the batch that holds it. Give exactly one of `inputFile` and `requests`; these and the bounds must be plain values, since the split runs when the program runs.",
        inputProperties: setInputs.properties,
        requiredInputs: setInputs.required,
        properties: setOutputs.properties,
        required: setOutputs.required,
      },
    },
    types: sortedByKey(types),
  };
}

/** The schema as `GetSchema` returns it: stable JSON text. */
export function schemaText(version: string): string {
  return `${JSON.stringify(buildSchema(version), null, 2)}\n`;
}

/**
 * Outputs that are also inputs (`inputFileId`) keep the output's description and the input's
 * `onChange`, so that the output property says what replaces too.
 */
function withInputsOnChange(
  descriptions: Readonly<Record<string, AnyProperty>>,
): Record<string, AnyProperty> {
  const inputs: Readonly<Record<string, AnyProperty>> = USER_INPUT_DESCRIPTIONS;
  return Object.fromEntries(
    Object.entries(descriptions).map(([name, description]) => {
      const onChange = inputs[name]?.onChange;
      return [name, onChange === undefined ? description : { ...description, onChange }];
    }),
  );
}

function configVariables(): Record<string, SchemaProperty> {
  const variables: Record<string, SchemaProperty> = {};
  for (const [name, variable] of Object.entries(CONFIG_VARIABLES)) {
    const hint =
      "secret" in variable
        ? ` Set it with \`pulumi config set --secret ${CONFIG_NAMESPACE}:${name} <value>\`.`
        : "";
    const property: SchemaProperty = { type: variable.type, description: `${variable.description}${hint}` };
    if ("default" in variable) property.default = variable.default;
    if ("secret" in variable) property.secret = true;
    if ("environment" in variable) property.defaultInfo = { environment: [variable.environment] };
    variables[name] = property;
  }
  return variables;
}

/**
 * The arguments of an explicit provider: one per setting, as the config variables. No default
 * is declared and no environment variable is named for the SDKs: a generated SDK would read that
 * variable in the program and store its value (the key, too) in the provider's state. The plugin
 * falls back to the stack config and the environment itself, when it runs.
 */
function providerArguments(): Record<string, SchemaProperty> {
  const properties: Record<string, SchemaProperty> = {};
  for (const [name, variable] of Object.entries(CONFIG_VARIABLES)) {
    const fallback = [
      `\`${CONFIG_NAMESPACE}:${name}\` of the stack config`,
      ...("environment" in variable ? [`then \`${variable.environment}\``] : []),
      ...("default" in variable ? [`then ${variable.default}`] : []),
    ].join(", ");
    properties[name] = {
      type: variable.type,
      description: `${variable.description} When not given: ${fallback}.`,
      ...("secret" in variable ? { secret: true } : {}),
    };
  }
  return properties;
}

function properties(
  descriptions: Readonly<Record<string, AnyProperty>>,
  types: Record<string, SchemaObjectType>,
): { properties: Record<string, SchemaProperty>; required: string[] } {
  const result: Record<string, SchemaProperty> = {};
  const required: string[] = [];
  for (const [name, description] of Object.entries(descriptions)) {
    const property: SchemaProperty = {
      ...typeOf(description, types),
      description: describe(description),
    };
    if (isSchemaDefault(description.default)) property.default = description.default;
    if (description.onChange === "replace") property.replaceOnChanges = true;
    result[name] = property;
    if (description.required === true) required.push(name);
  }
  return { properties: result, required };
}

function typeOf(description: AnyDescription, types: Record<string, SchemaObjectType>): SchemaProperty {
  switch (description.type) {
    case "any":
      return { $ref: "pulumi.json#/Any" };
    case "array":
      return { type: "array", items: typeOf(description.items, types) };
    case "map":
      return { type: "object", additionalProperties: typeOf(description.values, types) };
    case "object": {
      const token = `${PACKAGE_NAME}:index:${description.name}`;
      const inner = properties(description.properties, types);
      types[token] = {
        type: "object",
        description: description.description,
        properties: inner.properties,
        ...(inner.required.length > 0 ? { required: inner.required } : {}),
      };
      return { $ref: `#/types/${token}` };
    }
    default:
      return { type: description.type };
  }
}

/** The description, with the allowed values when there is a fixed set. */
function describe(description: AnyProperty): string {
  const allowed = description.type === "string" ? description.allowed : undefined;
  if (allowed === undefined) return description.description;
  const list = allowed.map((value) => `\`${value}\``).join(", ");
  return allowed.length === 1 ? description.description : `${description.description} One of ${list}.`;
}

function isSchemaDefault(value: unknown): value is string | number | boolean {
  return typeof value === "string" || typeof value === "number" || typeof value === "boolean";
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
