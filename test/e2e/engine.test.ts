/**
 * Smoke test of the end-to-end chain with the real Pulumi engine: an inline Automation API program,
 * the Go CLI, a file:// backend, the dynamic-provider plugin shim and host, and a provider whose code
 * `require()`s a package by name at call time from the project's node_modules.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { afterAll, beforeAll, expect, test } from "vitest";
import { describeWithEngine } from "./support/engine";
import {
  createWorkspace,
  type E2eStack,
  type E2eWorkspace,
  userChanges,
  userResources,
  userSteps,
} from "./support/workspace";

const nativeRequire = createRequire(__filename);
const fixtures = join(__dirname, "support", "fixtures");
const smokeProvider = nativeRequire(join(fixtures, "smoke-provider.cjs")) as pulumi.dynamic.ResourceProvider;

const PROJECT = "e2e-smoke";
const STACK = "dev";
const MOTTO = "smoke-motto-7f3a9c";
const RESOURCE_URN = `urn:pulumi:${STACK}::${PROJECT}::pulumi-nodejs:dynamic:Resource::greeter`;
const OP_TIMEOUT = 120_000;

class Greeter extends pulumi.dynamic.Resource {
  declare readonly name: pulumi.Output<string>;
  declare readonly greeting: pulumi.Output<string>;
  declare readonly createdBy: pulumi.Output<string>;

  constructor(name: string, args: { name: string }) {
    super(smokeProvider, name, { ...args, greeting: undefined, createdBy: undefined });
  }
}

const program = async () => {
  const config = new pulumi.Config();
  const greeter = new Greeter("greeter", { name: "world" });
  return {
    id: greeter.id,
    greeting: greeter.greeting,
    createdBy: greeter.createdBy,
    motto: config.requireSecret("motto"),
  };
};

describeWithEngine("the real Pulumi engine runs a dynamic provider end to end", () => {
  let ws: E2eWorkspace;
  let stack: E2eStack;
  let implDir: string;

  /** The provider methods the engine has called so far, as logged by the implementation package. */
  const calls = (): string[] => {
    const log = join(implDir, "calls.log");
    if (!existsSync(log)) return [];
    return readFileSync(log, "utf8")
      .trim()
      .split("\n")
      .map((line) => {
        const { op, id } = JSON.parse(line) as { op: string; id: string };
        return `${op} ${id}`;
      });
  };

  beforeAll(async () => {
    ws = await createWorkspace({ projectName: PROJECT, packageUnderTest: "none" });
    implDir = ws.writePackage("e2e-smoke-impl", {
      "index.js": readFileSync(join(fixtures, "e2e-smoke-impl.cjs"), "utf8"),
    });
    stack = await ws.stack(STACK, program);
    await stack.setConfig("motto", MOTTO, { secret: true });
  }, OP_TIMEOUT);

  afterAll(async () => {
    await ws?.cleanup();
  });

  test("the secret config is stored encrypted", () => {
    const stackConfig = readFileSync(join(ws.projectDir, `Pulumi.${STACK}.yaml`), "utf8");
    expect(stackConfig).toContain(`${PROJECT}:motto:`);
    expect(stackConfig).toContain("secure:");
    expect(stackConfig).not.toContain(MOTTO);
  });

  test(
    "preview plans one create and calls no provider code",
    async () => {
      const run = await stack.preview();
      expect(run.result.changeSummary).toEqual({ create: 2 });
      expect(userSteps(run.events)).toEqual([
        { op: "create", urn: RESOURCE_URN, type: "pulumi-nodejs:dynamic:Resource" },
      ]);
      expect(userChanges(run.events)).toEqual({ create: 1 });
      expect(run.output).toContain("+ 2 to create");
      expect(calls()).toEqual([]);
    },
    OP_TIMEOUT,
  );

  test(
    "up creates the resource through the dynamic-provider host",
    async () => {
      const run = await stack.up();
      expect(run.result.summary.result).toBe("succeeded");
      expect(run.result.summary.resourceChanges).toEqual({ create: 2 });
      expect(run.result.outputs).toEqual({
        id: { value: "smoke-world", secret: false },
        greeting: { value: "hello, world", secret: false },
        createdBy: { value: "e2e-smoke-impl", secret: false },
        motto: { value: MOTTO, secret: true },
      });
      expect(calls()).toEqual(["create smoke-world"]);

      const resources = await stack.resources();
      expect(resources).toHaveLength(3);
      expect(resources.map((r) => r.type)).toEqual([
        "pulumi:pulumi:Stack",
        "pulumi:providers:pulumi-nodejs",
        "pulumi-nodejs:dynamic:Resource",
      ]);
      const [greeter] = userResources(resources);
      expect(greeter).toMatchObject({
        urn: RESOURCE_URN,
        id: "smoke-world",
        custom: true,
        inputs: { name: "world" },
        outputs: { name: "world", greeting: "hello, world", createdBy: "e2e-smoke-impl" },
      });
      expect(greeter?.outputs?.__provider).toEqual(expect.any(String));

      const state = stack.stateFile();
      expect(state.json.checkpoint?.latest?.resources).toHaveLength(3);
      expect(state.text).toContain("hello, world");
      expect(state.text).not.toContain(MOTTO);
    },
    OP_TIMEOUT,
  );

  test(
    "a second up changes nothing",
    async () => {
      const run = await stack.up();
      expect(run.result.summary.result).toBe("succeeded");
      expect(run.result.summary.resourceChanges).toEqual({ same: 2 });
      expect(userChanges(run.events)).toEqual({ same: 1 });
      expect(calls()).toEqual(["create smoke-world", "diff smoke-world"]);
      expect(await stack.resources()).toHaveLength(3);
    },
    OP_TIMEOUT,
  );

  test(
    "refresh reads the resource back unchanged",
    async () => {
      const run = await stack.refresh();
      expect(run.result.summary.result).toBe("succeeded");
      expect(run.result.summary.resourceChanges).toEqual({ same: 2 });
      // The engine reads the resource, then diffs what it read against the recorded inputs.
      expect(calls()).toEqual([
        "create smoke-world",
        "diff smoke-world",
        "read smoke-world",
        "diff smoke-world",
      ]);
      const [greeter] = userResources(await stack.resources());
      expect(greeter?.outputs).toMatchObject({ greeting: "hello, world" });
    },
    OP_TIMEOUT,
  );

  test(
    "destroy deletes the resource and empties the stack",
    async () => {
      const run = await stack.destroy();
      expect(run.result.summary.result).toBe("succeeded");
      expect(run.result.summary.resourceChanges).toEqual({ delete: 2 });
      expect(calls()).toEqual([
        "create smoke-world",
        "diff smoke-world",
        "read smoke-world",
        "diff smoke-world",
        "delete smoke-world",
      ]);
      expect(await stack.resources()).toEqual([]);
      expect(await stack.outputs()).toEqual({});
    },
    OP_TIMEOUT,
  );
});
