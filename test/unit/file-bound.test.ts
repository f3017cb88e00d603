import { expect, test } from "vitest";
import { azureProfile } from "../../provider/backends/azure";
import { openAiProfile } from "../../provider/backends/openai";
import { BatchApiError } from "../../provider/errors";
import { withFileBoundNote } from "../../provider/runtime/file-bound";

const refusal = (status: number, code: string | undefined, apiMessage: string) =>
  new BatchApiError({ operation: "upload the input file", status, ...(code ? { code } : {}), apiMessage });
const noted = (error: BatchApiError, backend = azureProfile()) =>
  (withFileBoundNote(error, backend) as BatchApiError).message.includes(
    "Azure keeps at most 500 batch files",
  );

test.each([
  ["the emulator's code is noted", refusal(400, "too_many_files", "Full."), true],
  [
    "a message that counts files is noted",
    refusal(400, "invalid_request", "The resource has 500 files."),
    true,
  ],
  [
    "a message on the number of files is noted",
    refusal(400, undefined, "Maximum number of files reached."),
    true,
  ],
  ["a file too large is not", refusal(400, "file_too_large", "Files can be at most 209715200 bytes."), false],
  ["another 400 is not", refusal(400, "invalid_value", "Invalid purpose."), false],
  ["a 429 is not", refusal(429, "too_many_files", "Slow down."), false],
])("on Azure, %s", (_name, error, expected) => {
  expect(noted(error)).toBe(expected);
});

test("on a backend with no documented bound, nothing is added", () => {
  const error = refusal(400, "too_many_files", "Full.");
  expect(withFileBoundNote(error, openAiProfile())).toBe(error);
});
