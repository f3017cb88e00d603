import { describe, expect, test } from "vitest";
import { LineTooLongError, splitLines } from "../../../provider/results/lines";

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function lines(source: AsyncIterable<Uint8Array>, bound: number): Promise<string[]> {
  const out: string[] = [];
  for await (const line of splitLines(source, bound)) out.push(line.bytes.toString());
  return out;
}

describe("splitLines: the bound counts the line's own bytes, whatever the chunks", () => {
  test.each([
    ["in one chunk", ["ok\n0123456789a\nok\n"]],
    ["across chunks", ["ok\n01234", "56789a\nok\n"]],
    ["with \\r\\n, in one chunk", ["ok\n0123456789a\r\nok\n"]],
    ["last, with \\r", ["ok\n0123456789a\r"]],
  ])("a line one byte over it is refused %s", async (_case, parts) => {
    const error = await lines(pieces(...parts), 10).catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(LineTooLongError);
    expect([(error as LineTooLongError).line, (error as LineTooLongError).offset]).toEqual([2, 3]);
  });

  test.each([
    ["\\r\\n cut before its \\n", ["0123456789\r", "\nok\n"]],
    ["\\r\\n in one chunk", ["0123456789\r\nok\n"]],
    ["\\r last", ["ok\n", "0123456789\r"]],
  ])("a line of exactly the bound passes, with %s", async (_case, parts) => {
    const read = await lines(pieces(...parts), 10);
    expect(read).toContain("0123456789");
    expect(read).toHaveLength(2);
  });
});
