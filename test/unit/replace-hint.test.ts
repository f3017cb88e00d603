import { describe, expect, test } from "vitest";
import { replaceHintFor } from "../../provider/runtime/completion";

describe("the --replace hint of a batch that did not complete", () => {
  test("names the URN of a resource without a parent, quoted for the shell", () => {
    expect(replaceHintFor("shop/prod/nightly-summaries")).toBe(
      "Change the input (a new input replaces the batch) or run `pulumi up --replace 'urn:pulumi:prod::shop::pulumi-nodejs:dynamic/openai:Batch::nightly-summaries'` to run it again.",
    );
  });

  test.each([
    ["a child (its key names the parent)", "shop/prod/child@urn:pulumi:prod::shop::my:Component::parent"],
    ["no key at all", undefined],
  ])("for %s, says where to find the URN", (_name, key) => {
    expect(replaceHintFor(key)).toBe(
      "Change the input (a new input replaces the batch) or run `pulumi up --replace <urn>` with this resource's URN (`pulumi stack --show-urns` lists them) to run it again.",
    );
  });
});
