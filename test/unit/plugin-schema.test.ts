import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
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

describe("the schema's types are the contract's TypeScript types", () => {
  /**
   * The contract's interfaces, read by the TypeScript compiler from `provider/contract.ts` itself,
   * not from the run-time descriptions the schema is built from.
   */
  const program = ts.createProgram([join(REPO_ROOT, "provider", "contract.ts")], {
    strict: true,
    exactOptionalPropertyTypes: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    lib: ["lib.es2023.d.ts"],
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(join(REPO_ROOT, "provider", "contract.ts"));
  const exported = (name: string): ts.Type => {
    const symbol = checker
      .getExportsOfModule(checker.getSymbolAtLocation(source as ts.SourceFile) as ts.Symbol)
      .find((candidate) => candidate.name === name);
    if (symbol === undefined) throw new RangeError(`contract.ts exports no ${name}`);
    return checker.getDeclaredTypeOfSymbol(symbol);
  };

  /** Every way the schema differs from the TypeScript type, as `path: what` lines. */
  function differences(
    path: string,
    property: SchemaProperty | undefined,
    type: ts.Type,
    reached: Set<string>,
  ): string[] {
    if (property === undefined) return [`${path}: missing from the schema`];
    if (type.flags & (ts.TypeFlags.Unknown | ts.TypeFlags.Any)) {
      return property.$ref === "pulumi.json#/Any"
        ? []
        : [`${path}: expected Any, got ${JSON.stringify(property)}`];
    }
    const value = checker.getNonNullableType(type);
    const kinds = new Set((value.isUnion() ? value.types : [value]).map((part) => primitive(part)));
    const [kind] = kinds;
    if (kinds.size === 1 && kind !== undefined) {
      const allowed = kind === "number" ? ["number", "integer"] : [kind];
      return allowed.includes(property.type ?? "") ? [] : [`${path}: expected ${kind}, got ${property.type}`];
    }
    if (checker.isArrayType(value)) {
      if (property.type !== "array") return [`${path}: expected an array, got ${JSON.stringify(property)}`];
      const [item] = checker.getTypeArguments(value as ts.TypeReference);
      return differences(`${path}[]`, property.items, item as ts.Type, reached);
    }
    const index = checker.getIndexInfoOfType(value, ts.IndexKind.String);
    if (index !== undefined) {
      if (property.type !== "object") return [`${path}: expected a map, got ${JSON.stringify(property)}`];
      return differences(`${path}{}`, property.additionalProperties, index.type, reached);
    }
    const token = property.$ref?.startsWith("#/types/") ? property.$ref.slice("#/types/".length) : undefined;
    const object = token === undefined ? undefined : schema.types[token];
    if (token === undefined || object === undefined) {
      return [`${path}: expected a reference to an object type, got ${JSON.stringify(property)}`];
    }
    reached.add(token);
    return objectDifferences(`${path} (${token})`, object.properties, object.required ?? [], value, reached);
  }

  function objectDifferences(
    path: string,
    properties: Record<string, SchemaProperty>,
    required: readonly string[],
    type: ts.Type,
    reached: Set<string>,
    only?: ReadonlySet<string>,
  ): string[] {
    const members = checker.getPropertiesOfType(type).filter((member) => only?.has(member.name) ?? true);
    const found: string[] = [];
    const names = members.map((member) => member.name);
    if (JSON.stringify(Object.keys(properties).sort()) !== JSON.stringify([...names].sort())) {
      found.push(
        `${path}: properties ${Object.keys(properties).sort()} in the schema, ${[...names].sort()} in the contract`,
      );
    }
    const mandatory = members
      .filter((member) => !(member.flags & ts.SymbolFlags.Optional))
      .map((m) => m.name);
    if (JSON.stringify([...required].sort()) !== JSON.stringify(mandatory.sort())) {
      found.push(
        `${path}: required ${[...required].sort()} in the schema, ${mandatory.sort()} in the contract`,
      );
    }
    for (const member of members) {
      found.push(
        ...differences(
          `${path}.${member.name}`,
          properties[member.name],
          checker.getTypeOfSymbol(member),
          reached,
        ),
      );
    }
    return found;
  }

  function primitive(type: ts.Type): string | undefined {
    if (type.flags & (ts.TypeFlags.String | ts.TypeFlags.StringLiteral)) return "string";
    if (type.flags & (ts.TypeFlags.Number | ts.TypeFlags.NumberLiteral)) return "number";
    if (type.flags & (ts.TypeFlags.Boolean | ts.TypeFlags.BooleanLiteral)) return "boolean";
    return undefined;
  }

  test("inputs and outputs of Batch and BatchSet, and every object type they reach, property by property, optional ones included", () => {
    const reached = new Set<string>();
    const inputs = objectDifferences(
      "inputs",
      batch?.inputProperties ?? {},
      batch?.requiredInputs ?? [],
      exported("BatchInputs"),
      reached,
      new Set(USER_INPUT_NAMES),
    );
    const outputs = objectDifferences(
      "outputs",
      batch?.properties ?? {},
      batch?.required ?? [],
      exported("BatchOutputs"),
      reached,
      new Set([...USER_INPUT_NAMES, ...LIVE_OUTPUT_NAMES, ...PROVIDER_OUTPUT_NAMES]),
    );
    const set = schema.resources["openai-batch:index:BatchSet"];
    const setInputs = objectDifferences(
      "BatchSet inputs",
      set?.inputProperties ?? {},
      set?.requiredInputs ?? [],
      exported("BatchSetInputs"),
      reached,
    );
    const setOutputs = objectDifferences(
      "BatchSet outputs",
      set?.properties ?? {},
      set?.required ?? [],
      exported("BatchSetOutputs"),
      reached,
    );
    expect([...inputs, ...outputs, ...setInputs, ...setOutputs]).toEqual([]);
    // Every object type of the schema was compared: none is left over.
    expect([...reached].sort()).toEqual(Object.keys(schema.types).sort());
  });
});
