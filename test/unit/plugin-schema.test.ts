import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import {
  DEFAULTS,
  IN_PLACE_INPUT_NAMES,
  LIVE_OUTPUT_NAMES,
  PROVIDER_OUTPUT_NAMES,
  SET_INPUT_DESCRIPTIONS,
  USER_INPUT_NAMES,
} from "../../provider/contract";
import type { Described } from "../../provider/describe";
import { buildSchema, type SchemaProperty } from "../../provider/plugin/schema";
import { SETTING_SOURCES } from "../../provider/runtime/settings";
import { REPO_ROOT } from "../support/repo";

const schema = buildSchema("1.2.3");
const batch = schema.resources["openai-batch:index:Batch"];

describe("the plugin's schema, built from the contract", () => {
  test("has the Batch resource with every user input, in the contract's order", () => {
    expect(Object.keys(batch?.inputProperties ?? {})).toEqual([...USER_INPUT_NAMES]);
    expect(batch?.requiredInputs).toEqual(["endpoint"]);
  });

  test("has every input, live output and provider output as an output", () => {
    // inputFileId is both an input and what the API reports.
    expect(Object.keys(batch?.properties ?? {})).toEqual([
      ...new Set([...USER_INPUT_NAMES, ...LIVE_OUTPUT_NAMES, ...PROVIDER_OUTPUT_NAMES]),
    ]);
    expect(batch?.properties.inputFileId).toMatchObject({
      description: "The input file (uploaded by this resource, or the one given).",
      replaceOnChanges: true,
    });
    expect(batch?.required).toEqual(["endpoint", "uploadedInputFile"]);
  });

  test("marks replaceOnChanges on exactly the inputs whose change always replaces", () => {
    const replacing = Object.entries(batch?.inputProperties ?? {})
      .filter(([, property]) => property.replaceOnChanges === true)
      .map(([name]) => name);
    expect(replacing).toEqual([
      "endpoint",
      "inputFileId",
      "completionWindow",
      "metadata",
      "outputExpiresAfter",
    ]);
    for (const name of IN_PLACE_INPUT_NAMES) {
      expect(batch?.inputProperties[name]?.replaceOnChanges).toBeUndefined();
    }
  });

  test("carries the contract's defaults", () => {
    const defaults = Object.fromEntries(
      Object.entries(batch?.inputProperties ?? {})
        .filter(([, property]) => property.default !== undefined)
        .map(([name, property]) => [name, property.default]),
    );
    expect(defaults).toEqual({ ...DEFAULTS });
  });

  test("gives types and the allowed values", () => {
    const inputs = batch?.inputProperties ?? {};
    expect(inputs.endpoint?.type).toBe("string");
    expect(inputs.endpoint?.description).toContain("`/v1/chat/completions`");
    expect(inputs.requests).toMatchObject({
      type: "array",
      items: { $ref: "#/types/openai-batch:index:BatchRequestLine" },
    });
    expect(inputs.metadata).toMatchObject({ type: "object", additionalProperties: { type: "string" } });
    expect(inputs.waitTimeoutSeconds?.type).toBe("number");
    expect(schema.types["openai-batch:index:BatchRequestLine"]).toMatchObject({
      required: ["custom_id", "method", "url", "body"],
      properties: { body: { type: "object", additionalProperties: { $ref: "pulumi.json#/Any" } } },
    });
    expect(schema.types["openai-batch:index:RequestCounts"]?.required).toEqual([
      "total",
      "completed",
      "failed",
    ]);
  });

  test("every $ref names a type of the schema", () => {
    const refs: string[] = [];
    const collect = (property: SchemaProperty | undefined): void => {
      if (property === undefined) return;
      if (property.$ref?.startsWith("#/types/")) refs.push(property.$ref.slice("#/types/".length));
      collect(property.items);
      collect(property.additionalProperties);
    };
    for (const property of Object.values(batch?.properties ?? {})) collect(property);
    for (const type of Object.values(schema.types)) Object.values(type.properties).forEach(collect);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(Object.keys(schema.types)).toContain(ref);
  });

  test("has a config variable per setting, with apiKey secret and the environment fallbacks", () => {
    const variables = schema.config.variables;
    expect(Object.keys(variables)).toEqual(Object.keys(SETTING_SOURCES));
    expect(variables.apiKey).toMatchObject({
      type: "string",
      secret: true,
      defaultInfo: { environment: ["OPENAI_API_KEY"] },
    });
    expect(variables.baseUrl?.default).toBe("https://api.openai.com/v1");
    expect(variables.maxRetries).toMatchObject({ type: "integer", default: 2 });
    expect(variables.requestTimeoutSeconds).toMatchObject({ type: "number", default: 600 });
    expect(Object.values(variables).filter((variable) => variable.secret === true)).toHaveLength(1);
    expect(schema.version).toBe("1.2.3");
    expect(schema.name).toBe("openai-batch");
  });

  test("an explicit provider takes every setting as an argument: apiKey secret, no default or environment variable for the SDKs to store", () => {
    const provider = schema.provider.inputProperties;
    expect(Object.keys(provider)).toEqual(Object.keys(SETTING_SOURCES));
    expect(provider.apiKey).toMatchObject({ type: "string", secret: true });
    expect(provider.maxRetries?.type).toBe("integer");
    expect(provider.requestTimeoutSeconds?.type).toBe("number");
    for (const property of Object.values(provider)) {
      expect(property.default).toBeUndefined();
      expect(property.defaultInfo).toBeUndefined();
    }
    expect(provider.baseUrl?.description).toContain(
      "When not given: `openai-batch:baseUrl` of the stack config, then `OPENAI_BASE_URL`, then https://api.openai.com/v1.",
    );
  });

  test("has BatchSet as a component with the TypeScript class's arguments and outputs", () => {
    const set = schema.resources["openai-batch:index:BatchSet"];
    expect(set?.isComponent).toBe(true);
    expect(Object.keys(set?.inputProperties ?? {})).toEqual(Object.keys(SET_INPUT_DESCRIPTIONS));
    expect(set?.requiredInputs).toEqual(["endpoint"]);
    expect(Object.keys(set?.properties ?? {})).toEqual([
      "batchIds",
      "shardCount",
      "waveCount",
      "status",
      "requestCounts",
      "resultsSummary",
      "resultsSha256",
    ]);
    expect(set?.required).toEqual(["batchIds", "shardCount", "waveCount"]);
    expect(set?.inputProperties.requests?.items).toEqual({
      $ref: "#/types/openai-batch:index:BatchSetRequestLine",
    });
    expect(schema.types["openai-batch:index:BatchSetRequestLine"]?.required).toEqual(["custom_id", "body"]);
    // Given at all, retryFailedRequests changes what the set does: the SDKs must not fill it in.
    expect(set?.inputProperties.retryFailedRequests?.default).toBeUndefined();
    // A component's inputs are read when the program runs: nothing about replacing.
    for (const property of Object.values(set?.inputProperties ?? {})) {
      expect(property.replaceOnChanges).toBeUndefined();
    }
    // The results resource is the set's own child, not something to declare.
    expect(Object.keys(schema.resources)).toEqual([
      "openai-batch:index:Batch",
      "openai-batch:index:BatchSet",
    ]);
  });

  test("pluginDownloadURL points at the releases of the repository named in package.json", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
      repository: { url: string };
    };
    const repository = /github\.com\/([^/]+\/[^/.]+)/.exec(manifest.repository.url)?.[1];
    expect(schema.pluginDownloadURL).toBe(`github://api.github.com/${repository}`);
  });
});

// Compile-time: `npm run typecheck` fails if any of these descriptions were accepted.
interface Sample {
  name: string;
  count?: number;
}
const described: Described<Sample> = {
  name: { type: "string", required: true, description: "a name" },
  count: { type: "integer", description: "a count", default: 3 },
};
// @ts-expect-error a property left undescribed
const missing: Described<Sample> = { name: { type: "string", required: true, description: "a name" } };
const wrongType: Described<Sample> = {
  // @ts-expect-error described as a number although it is a string
  name: { type: "number", required: true, description: "a name" },
  count: { type: "integer", description: "a count" },
};
const notRequired: Described<Sample> = {
  // @ts-expect-error a required property must say so
  name: { type: "string", description: "a name" },
  count: { type: "integer", description: "a count" },
};
const wrongDefault: Described<Sample> = {
  name: { type: "string", required: true, description: "a name" },
  // @ts-expect-error a default of another type
  count: { type: "integer", description: "a count", default: "3" },
};
void [described, missing, wrongType, notRequired, wrongDefault];
