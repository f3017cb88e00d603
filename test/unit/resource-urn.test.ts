import { describe, expect, test } from "vitest";
import { hostEngineAddress, urnOfResourceKey } from "../../provider/diagnostics";

const TYPE = "pulumi-nodejs:dynamic/openai:Batch";

describe("the URN of a Batch, from its resourceKey", () => {
  test.each([
    ["a resource of the stack", "shop/prod/nightly", `urn:pulumi:prod::shop::${TYPE}::nightly`],
    [
      "a child of a component",
      "shop/prod/child@urn:pulumi:prod::shop::my:index:Group::g",
      `urn:pulumi:prod::shop::my:index:Group$${TYPE}::child`,
    ],
    [
      "a child of a nested component (the whole type chain)",
      "shop/prod/inner@urn:pulumi:prod::shop::my:index:Outer$my:index:Inner::team",
      `urn:pulumi:prod::shop::my:index:Outer$my:index:Inner$${TYPE}::inner`,
    ],
    [
      "a child given the stack as its parent (whose type is left out)",
      "shop/prod/b@urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod",
      `urn:pulumi:prod::shop::${TYPE}::b`,
    ],
    ["a name with slashes", "shop/prod/team/a", `urn:pulumi:prod::shop::${TYPE}::team/a`],
    [
      "a URN (the plugin's key)",
      "urn:pulumi:dev::proj::openai-batch:index:Batch::n",
      "urn:pulumi:dev::proj::openai-batch:index:Batch::n",
    ],
  ])("%s", (_name, key, urn) => {
    expect(urnOfResourceKey(key)).toBe(urn);
  });

  test.each([
    ["no key", undefined],
    ["not a string", 7],
    ["too few parts", "shop/prod"],
    ["a parent that is not a URN", "shop/prod/b@urn:pulumi:broken"],
  ])("none for %s", (_name, key) => {
    expect(urnOfResourceKey(key)).toBeUndefined();
  });
});

describe("the engine's address in the dynamic-provider host", () => {
  const host = "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider/index.js";

  test("is the host's first argument", () => {
    expect(
      hostEngineAddress(
        ["node", "/p/node_modules/@pulumi/pulumi/cmd/dynamic-provider", "127.0.0.1:4040"],
        host,
      ),
    ).toBe("127.0.0.1:4040");
  });

  test.each([
    ["another program", ["node", "/p/cli.js", "127.0.0.1:4040"], "/p/cli.js"],
    ["no main module", ["node", "x", "127.0.0.1:4040"], undefined],
    ["the host without an argument", ["node", host], host],
  ])("is undefined in %s", (_name, argv, main) => {
    expect(hostEngineAddress(argv, main)).toBeUndefined();
  });
});
