import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { childPath } from "../../../provider/set/child-path";
import { childResultsPath } from "../../../provider/set/results/paths";

const root = join("/", "work", "project");

describe("the paths a set gives its children", () => {
  test.each([
    [
      "under the CLI, a file inside the project is relative to it",
      true,
      join(root, "cache", "a.jsonl"),
      join("cache", "a.jsonl"),
    ],
    [
      "under the CLI, a file outside the project stays absolute",
      true,
      join("/", "tmp", "a.jsonl"),
      join("/", "tmp", "a.jsonl"),
    ],
    [
      "in an inline program, a file inside the folder stays absolute",
      false,
      join(root, "cache", "a.jsonl"),
      join(root, "cache", "a.jsonl"),
    ],
  ])("%s", (_name, rootFromEngine, file, expected) => {
    expect(childPath(root, file, rootFromEngine)).toBe(expected);
  });

  test("a child's results file follows the same rule", () => {
    const relative = childResultsPath(root, undefined, "dev", "set-abc", "set-1", true);
    expect(relative).toBe(join(".pulumi-openai-batch", "shards", "results", "dev", "set-abc", "set-1.jsonl"));
    expect(childResultsPath(root, undefined, "dev", "set-abc", "set-1", false)).toBe(join(root, relative));
  });
});
