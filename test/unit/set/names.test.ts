import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { childName, hashedChildName, NAME_ID_MAX } from "../../../provider/set/names";

const hex = (text: string, length: number) =>
  createHash("sha256").update(text).digest("hex").slice(0, length);

describe("a child's name", () => {
  test.each([
    ["a custom_id a name holds as it is", "ticket-0001", "docs-ticket-0001"],
    ["dots and underscores are kept", "run_7.part.2", "docs-run_7.part.2"],
    ["the longest custom_id kept as it is", "x".repeat(NAME_ID_MAX), `docs-${"x".repeat(NAME_ID_MAX)}`],
    ["other characters become _", "user 42/ticket:7", `docs-user_42_ticket_7-${hex("user 42/ticket:7", 8)}`],
    ["a run of them, one _", "a  //  b", `docs-a_b-${hex("a  //  b", 8)}`],
    ["characters beyond ASCII", "résumé-1", `docs-r_sum_-1-${hex("résumé-1", 8)}`],
    [
      "a long custom_id is cut",
      "y".repeat(NAME_ID_MAX + 1),
      `docs-${"y".repeat(NAME_ID_MAX)}-${hex("y".repeat(NAME_ID_MAX + 1), 8)}`,
    ],
  ])("%s: %j gives %j", (_, customId, name) => {
    expect(childName("docs", customId)).toBe(name);
  });

  test("custom_ids that read alike give distinct names", () => {
    const alike = [
      "a b",
      "a/b",
      "a:b",
      "a_b",
      "a  b",
      `${"z".repeat(NAME_ID_MAX)}1`,
      `${"z".repeat(NAME_ID_MAX)}2`,
    ];
    const names = alike.map((id) => childName("docs", id));
    expect(new Set(names).size).toBe(alike.length);
  });

  test("the name is the set's and the custom_id's alone: no position, the same in any set of shards", () => {
    const ids = ["t-3", "t-1", "t-2"];
    const before = ids.map((id) => childName("docs", id));
    const after = ["t-0", ...ids].map((id) => childName("docs", id)).slice(1);
    expect(after).toEqual(before);
    expect(childName("other", "t-3")).toBe("other-t-3");
  });

  test("the former name, the alias of a stack made by 0.1.0: 12 hex digits of the custom_id's sha256", () => {
    // As 0.1.0 named it.
    expect(hashedChildName("docs", "ticket-0001")).toBe("docs-ad6fd9f60da9");
    expect(hashedChildName("docs", "ticket-0001")).not.toBe(childName("docs", "ticket-0001"));
  });
});
