import { createReadStream } from "node:fs";
import type { BatchRequestLine } from "../contract";
import { BatchInputError } from "../errors";
import { customIdOf } from "./classify";
import type { InputRequest } from "./join";
import { LineTooLongError, type RawLine, splitLines } from "./lines";

/** An input read from elsewhere than a local file, such as the API's copy of it. */
export interface StreamedInput {
  label: string;
  open(): Promise<AsyncIterable<Uint8Array>>;
}

export type InputSource = string | readonly BatchRequestLine[] | StreamedInput;

/**
 * The requests of a batch's input, in order: from a JSONL file (streamed, only custom_ids read)
 * or from request lines in memory. A line without a custom_id is a `BatchInputError` that names
 * the file and the line.
 */
export async function* inputRequests(input: InputSource): AsyncGenerator<InputRequest> {
  if (Array.isArray(input)) {
    for (const [index, request] of (input as readonly BatchRequestLine[]).entries()) {
      if (typeof request?.custom_id !== "string") {
        throw new BatchInputError([
          {
            property: `input[${index}].custom_id`,
            reason: "is missing; every request line needs a custom_id",
          },
        ]);
      }
      yield { customId: request.custom_id, line: index + 1 };
    }
    return;
  }
  const { label, bytes } =
    typeof input === "string"
      ? { label: input, bytes: openInput(input) }
      : { label: (input as StreamedInput).label, bytes: await (input as StreamedInput).open() };
  for await (const line of linesOfInput(label, bytes)) {
    let text = line.bytes.toString("utf8");
    if (line.number === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const customId = customIdOf(text);
    if (typeof customId !== "string") {
      throw new BatchInputError([
        {
          property: "input",
          reason: `${label}:${line.number}: the line has no custom_id; give the input file the batch ran`,
        },
      ]);
    }
    yield { customId, line: line.number };
  }
}

/** The lines of an input; one too long to be a request line is a `BatchInputError` naming the line and byte. */
async function* linesOfInput(label: string, bytes: AsyncIterable<Uint8Array>): AsyncGenerator<RawLine> {
  try {
    yield* splitLines(bytes);
  } catch (error) {
    if (!(error instanceof LineTooLongError)) throw error;
    throw new BatchInputError([
      {
        property: "input",
        reason: `${label}:${error.line}: ${error.reason}; give the input file the batch ran`,
      },
    ]);
  }
}

/** Opens a local file for reading; a file that cannot be read is a `BatchInputError`. */
export function openInput(path: string): AsyncIterable<Uint8Array> {
  const stream = createReadStream(path, { highWaterMark: 64 << 10 });
  return (async function* () {
    try {
      yield* stream as AsyncIterable<Buffer>;
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
      throw new BatchInputError([{ property: "input", reason: `cannot read ${path}: ${reason}` }]);
    }
  })();
}
