import { describe, expect, test } from "vitest";
import { replaceHintFor, requireCompleted } from "../../provider/runtime/completion";

describe("the --replace hint of a batch that did not complete", () => {
  test("names the URN of a resource without a parent, quoted for the shell", () => {
    expect(replaceHintFor("shop/prod/nightly-summaries")).toBe(
      "Change the input (a new input replaces the batch) or run `pulumi up --replace 'urn:pulumi:prod::shop::pulumi-nodejs:dynamic/openai:Batch::nightly-summaries'` to run it again.",
    );
  });

  test("names the URN of a child, with its parent's type", () => {
    expect(replaceHintFor("shop/prod/child@urn:pulumi:prod::shop::my:Component::parent")).toBe(
      "Change the input (a new input replaces the batch) or run `pulumi up --replace 'urn:pulumi:prod::shop::my:Component$pulumi-nodejs:dynamic/openai:Batch::child'` to run it again.",
    );
  });

  test.each([
    ["no key at all", undefined],
    ["a key of another shape", "not-a-key"],
  ])("for %s, says where to find the URN", (_name, key) => {
    expect(replaceHintFor(key)).toBe(
      "Change the input (a new input replaces the batch) or run `pulumi up --replace <urn>` with this resource's URN (`pulumi stack --show-urns` lists them) to run it again.",
    );
  });
});

describe("the message of a batch that failed", () => {
  test("shows the API's errors with their control characters escaped, each cut to 500 characters", () => {
    const outputs = {
      status: "failed",
      errors: [
        { code: "invalid_json_line", line: 3, message: "\u001b[2J\nfake line" },
        { code: "too_long", message: "x".repeat(1_000) },
      ],
    } as unknown as Parameters<typeof requireCompleted>[1];
    expect(() => requireCompleted("batch_1", outputs)).toThrow(
      `Batch batch_1 failed: line 3: \\x1b[2J\\nfake line; ${"x".repeat(500)}…(cut). Change the input`,
    );
  });
});
