import { describe, expect, test } from "vitest";
import { absentRecord, customIdOf, customIdOfBytes, resultOfLine } from "../../../provider/results/classify";

const answered = (statusCode: number, body: unknown = {}) =>
  JSON.stringify({ custom_id: "q", response: { status_code: statusCode, body } });
const notRun = (error: unknown) => JSON.stringify({ custom_id: "q", response: null, error });

describe("resultOfLine: which answers succeeded", () => {
  test.each([
    [199, "failed"],
    [200, "succeeded"],
    [299, "succeeded"],
    [300, "failed"],
  ])("status %i is %s", (statusCode, status) => {
    expect(resultOfLine(answered(statusCode)).record.status).toBe(status);
  });

  test("a line that is JSON but not an object is refused, by name", () => {
    expect(() => resultOfLine("[1]")).toThrow(/^the line is not a JSON object$/);
    expect(() => resultOfLine("null")).toThrow(/^the line is not a JSON object$/);
  });
});

describe("resultOfLine: the error of a request", () => {
  test.each([
    ["an empty code", { error: { code: "", message: "m" } }, "http_503", "m"],
    ["no code", { error: { message: "m" } }, "http_503", "m"],
    ["no error", {}, "http_503", "The request was answered with status 503."],
  ])("an answer with %s is named by its status", (_case, body, code, message) => {
    expect(resultOfLine(answered(503, body)).record.error).toEqual({ code, message });
  });

  test.each([
    ["an empty code", { code: "", message: "m" }, "m"],
    ["no code", { message: "m" }, "m"],
    ["no message", { code: "" }, "The request did not run."],
    ["no error at all", null, "The request did not run."],
  ])("a request that did not run, with %s, failed with unknown_error", (_case, error, message) => {
    expect(resultOfLine(notRun(error))).toEqual({
      customId: "q",
      record: { status: "failed", error: { code: "unknown_error", message } },
    });
  });
});

describe("absentRecord: a request in neither file", () => {
  test.each([
    ["cancelled", "cancelled", "batch_cancelled", "The batch was cancelled before this request ran."],
    ["cancelling", "cancelled", "batch_cancelled", "The batch was cancelled before this request ran."],
    ["expired", "expired", "batch_expired", "The batch expired before this request ran."],
    ["completed", "missing", "missing", "The request is in neither the output file nor the error file."],
  ])("of a %s batch is %s", (batchStatus, status, code, message) => {
    expect(absentRecord(batchStatus)).toEqual({ status, error: { code, message } });
  });
});

describe("customIdOf: a line that starts with its custom_id is read from its head alone", () => {
  // Each line is cut after the id, so only the head read finds it: a parse of the line fails.
  test.each([
    ['{"custom_id":"q-1",', "q-1"],
    ['  {  "custom_id" : "q-1" ,', "q-1"],
    ['\t{\n"custom_id"\t:\t"q-1"', "q-1"],
    ['{"id":"batch_req_1","custom_id":"q-1",', "q-1"],
    ['{ "id" : "batch_req_1" , "custom_id" : "q-1" ,', "q-1"],
    ['{"id":"","custom_id":"q",', "q"],
    ['{"custom_id":"a\\"b\\\\c",', 'a"b\\c'],
    ['{"custom_id":"",', ""],
    ['{"custom_id":null,', null],
  ])("%s", (line, id) => {
    expect(customIdOf(line)).toBe(id);
    expect(customIdOfBytes(Buffer.from(line))).toBe(id);
  });

  test.each([['{"method":"POST","custom_id":"q-1",'], ['x{"custom_id":"q-1",']])(
    "%s: the id does not come first, and the line is not JSON",
    (line) => {
      expect(customIdOf(line)).toBeUndefined();
    },
  );

  test("a custom_id found later in a parsed line, as null, is null", () => {
    expect(customIdOf('{"method":"POST","custom_id":null}')).toBeNull();
    expect(customIdOf('{"method":"POST","custom_id":3}')).toBeUndefined();
    expect(customIdOf("[1]")).toBeUndefined();
  });

  test("only the first 512 characters are read so: an id that ends past them is the parsed line's", () => {
    const id = "x".repeat(520);
    expect(customIdOf(`{"custom_id":"${id}","body":{}}`)).toBe(id);
    expect(customIdOf(`{"custom_id":"${id}",`)).toBeUndefined();
    expect(customIdOfBytes(Buffer.from(`{"custom_id":"${id}",`))).toBeUndefined();
  });

  test("a long line's bytes: the id at its head is read without the rest", () => {
    const line = `{"custom_id":"q-1","body":"${"y".repeat(600)}`;
    expect(customIdOfBytes(Buffer.from(line))).toBe("q-1");
    expect(customIdOfBytes(Buffer.from(`{"body":"${"y".repeat(600)}","custom_id":"q-2"}`))).toBe("q-2");
  });
});
