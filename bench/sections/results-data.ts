import { closeSync, existsSync, mkdirSync, openSync, renameSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";

/** A generated batch: `lines` input requests, and an output of about `outputMiB` MiB answering them. */
export interface ResultsSpec {
  lines: number;
  outputMiB: number;
  /** Every `failEvery`-th request is in the error file instead. */
  failEvery: number;
}

export interface ResultsFiles {
  input: string;
  output: string;
  errors: string;
  outputBytes: number;
}

/**
 * Writes (unless already there) a batch input and its output and error files, as the API writes
 * them: the output answers each request with a chat completion whose content pads the line to
 * its share of the size; every `failEvery`-th request is a 500 in the error file instead.
 */
export function ensureResultsFiles(dir: string, spec: ResultsSpec): ResultsFiles {
  mkdirSync(dir, { recursive: true });
  const stem = join(dir, `results-${spec.lines}x${spec.outputMiB}`);
  const files = {
    input: `${stem}.input.jsonl`,
    output: `${stem}.output.jsonl`,
    errors: `${stem}.errors.jsonl`,
  };
  const lineBytes = Math.floor((spec.outputMiB * 1024 * 1024) / spec.lines);
  if (![files.input, files.output, files.errors].every(existsSync)) {
    write(
      files.input,
      spec.lines,
      (i) =>
        `${JSON.stringify({ custom_id: `req-${i + 1}`, method: "POST", url: "/v1/chat/completions", body: { model: "gpt-4o-mini", messages: [{ role: "user", content: `question ${i + 1}` }] } })}\n`,
    );
    write(files.output, spec.lines, (i) => (i % spec.failEvery === 0 ? "" : outputLine(i, lineBytes)));
    write(files.errors, spec.lines, (i) => (i % spec.failEvery === 0 ? errorLine(i) : ""));
  }
  return { ...files, outputBytes: statSync(files.output).size };
}

function outputLine(index: number, lineBytes: number): string {
  const make = (content: string) =>
    `${JSON.stringify({
      id: `batch_req_${index}`,
      custom_id: `req-${index + 1}`,
      response: {
        status_code: 200,
        request_id: `r${index}`,
        body: {
          id: `chatcmpl-${index}`,
          object: "chat.completion",
          model: "gpt-4o-mini",
          choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
          usage: { prompt_tokens: 9, completion_tokens: 900, total_tokens: 909 },
        },
      },
      error: null,
    })}\n`;
  const bare = make("").length;
  return make(
    "lorem ipsum dolor sit amet ".repeat(Math.ceil(lineBytes / 27)).slice(0, Math.max(0, lineBytes - bare)),
  );
}

function errorLine(index: number): string {
  return `${JSON.stringify({
    id: `batch_req_${index}`,
    custom_id: `req-${index + 1}`,
    response: {
      status_code: 500,
      request_id: `r${index}`,
      body: {
        error: {
          message: "The server had an error.",
          type: "server_error",
          param: null,
          code: "server_error",
        },
      },
    },
    error: null,
  })}\n`;
}

function write(path: string, lines: number, lineOf: (index: number) => string): void {
  const temporary = `${path}.${process.pid}.partial`;
  const fd = openSync(temporary, "w");
  try {
    const chunk: string[] = [];
    for (let index = 0; index < lines; index += 1) {
      chunk.push(lineOf(index));
      if (chunk.length === 512 || index === lines - 1) {
        writeSync(fd, chunk.join(""));
        chunk.length = 0;
      }
    }
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
}
