import { once } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small HTTP server of the tests' own that answers the Files and Batches routes the provider
 * and the CLI call, the way a faulty or hostile server might: bodies that never end or run past
 * their size, lines without end, huge error bodies, control characters and the caller's key in
 * every field. Not the emulator: it answers only what a test tells it to, and masks nothing.
 */

/** A body: bytes, or a function that makes them lazily (a body of hundreds of MB is never held). */
export type Body = string | Buffer | (() => AsyncIterable<Buffer>);

export interface Answer {
  status?: number;
  /** The reason phrase after the status code (Latin-1). */
  statusText?: string;
  headers?: Record<string, string>;
  body?: Body;
}

export interface HostileCall {
  method: string;
  path: string;
  range: string | undefined;
  /** True once the caller closed the connection before the answer was all sent. */
  closedEarly: boolean;
}

export interface HostileServer {
  /** The base URL to give as `openai:baseUrl` / OPENAI_BASE_URL (ends with /v1). */
  url: string;
  calls: HostileCall[];
  /** How `METHOD /path` answers from now on, e.g. `answer("GET", "/v1/files/file-1", json(file))`. */
  answer(method: string, path: string, answer: Answer | ((request: IncomingMessage) => Answer)): void;
  close(): Promise<void>;
}

export async function startHostileServer(): Promise<HostileServer> {
  const routes = new Map<string, Answer | ((request: IncomingMessage) => Answer)>();
  const calls: HostileCall[] = [];
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? "/").split("?")[0] ?? "/";
    const call: HostileCall = {
      method: request.method ?? "GET",
      path,
      range: request.headers.range,
      closedEarly: false,
    };
    calls.push(call);
    response.once("close", () => {
      call.closedEarly = !response.writableFinished;
    });
    request.resume();
    const route = routes.get(`${request.method} ${path}`);
    const answer =
      route === undefined
        ? json(
            { error: { message: `no route for ${request.method} ${path}`, type: "invalid_request_error" } },
            404,
          )
        : typeof route === "function"
          ? route(request)
          : route;
    send(response, answer).catch(() => response.destroy());
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    calls,
    answer(method, path, answer) {
      routes.set(`${method} ${path}`, answer);
    },
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

async function send(response: ServerResponse, answer: Answer): Promise<void> {
  const status = answer.status ?? 200;
  const body = answer.body ?? "";
  const headers: Record<string, string> = { ...answer.headers };
  if (typeof body !== "function") headers["content-length"] ??= String(Buffer.byteLength(body));
  if (answer.statusText === undefined) response.writeHead(status, headers);
  else response.writeHead(status, answer.statusText, headers);
  if (typeof body !== "function") {
    response.end(body);
    return;
  }
  const closed = once(response, "close").then(() => "closed" as const);
  for await (const chunk of body()) {
    if (response.destroyed) return;
    if (!response.write(chunk)) {
      const why = await Promise.race([once(response, "drain").then(() => "drained" as const), closed]);
      if (why === "closed") return;
    }
  }
  response.end();
}

/** A JSON answer. */
export function json(value: unknown, status = 200, headers: Record<string, string> = {}): Answer {
  return { status, headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(value) };
}

/** `total` bytes made of `chunk` sent again and again (never allocated whole); without `total`, without end. */
export function repeated(
  chunk: string | Buffer,
  total = Number.POSITIVE_INFINITY,
): () => AsyncIterable<Buffer> {
  const block = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
  // Pieces of about 64 KiB, so that a body goes out fast whatever the size of `chunk`.
  const piece = Buffer.concat(Array<Buffer>(Math.max(1, Math.floor((64 << 10) / block.length))).fill(block));
  return async function* () {
    for (let sent = 0; sent < total; sent += piece.length) {
      yield sent + piece.length <= total ? piece : piece.subarray(0, total - sent);
    }
  };
}

/** `head`, then the bytes of `rest`. */
export function prefixed(
  head: string | Buffer,
  rest: () => AsyncIterable<Buffer>,
): () => AsyncIterable<Buffer> {
  return async function* () {
    yield Buffer.isBuffer(head) ? head : Buffer.from(head);
    yield* rest();
  };
}

/** A file object as the API describes one. */
export function fileObject(id: string, bytes: number, purpose = "batch_output"): Record<string, unknown> {
  return {
    id,
    object: "file",
    bytes,
    created_at: 1_700_000_000,
    expires_at: null,
    filename: `${id}.jsonl`,
    purpose,
    status: "processed",
  };
}

/** A finished batch object as the API describes one. */
export function batchObject(
  id: string,
  fields: {
    status?: string;
    output_file_id?: string | null;
    error_file_id?: string | null;
    total?: number;
  } = {},
): Record<string, unknown> {
  const total = fields.total ?? 1;
  return {
    id,
    object: "batch",
    endpoint: "/v1/chat/completions",
    errors: null,
    input_file_id: "file-input",
    completion_window: "24h",
    status: fields.status ?? "completed",
    output_file_id: fields.output_file_id ?? null,
    error_file_id: fields.error_file_id ?? null,
    created_at: 1_700_000_000,
    in_progress_at: 1_700_000_001,
    expires_at: 1_700_086_400,
    finalizing_at: 1_700_000_002,
    completed_at: 1_700_000_003,
    failed_at: null,
    expired_at: null,
    cancelling_at: null,
    cancelled_at: null,
    request_counts: { total, completed: total, failed: 0 },
    metadata: {},
  };
}

/**
 * Serves a finished batch whose output (and error) file answer with the given bodies; each file's
 * metadata claims `bytes` (by default the body's length, when it has one).
 */
export function serveBatch(
  server: HostileServer,
  id: string,
  files: {
    output?: { body: Body; bytes?: number; answer?: Partial<Answer> };
    error?: { body: Body; bytes?: number };
  },
  batch: Parameters<typeof batchObject>[1] = {},
): void {
  for (const [kind, file] of [
    ["output", files.output],
    ["error", files.error],
  ] as const) {
    if (file === undefined) continue;
    const fileId = `file-${kind}-${id}`;
    const bytes = file.bytes ?? (typeof file.body === "function" ? 0 : Buffer.byteLength(file.body));
    server.answer("GET", `/v1/files/${fileId}`, json(fileObject(fileId, bytes)));
    server.answer("GET", `/v1/files/${fileId}/content`, {
      headers: { "content-type": "application/octet-stream" },
      body: file.body,
      ...("answer" in file ? file.answer : {}),
    });
  }
  server.answer(
    "GET",
    `/v1/batches/${id}`,
    json(
      batchObject(id, {
        ...batch,
        output_file_id: files.output === undefined ? null : `file-output-${id}`,
        error_file_id: files.error === undefined ? null : `file-error-${id}`,
      }),
    ),
  );
}

/** One line of an output file: a request answered with `status`. */
export function outputLine(customId: string, status = 200, body: unknown = { ok: true }): string {
  return `${JSON.stringify({ id: `r-${customId}`, custom_id: customId, response: { status_code: status, request_id: "req", body }, error: null })}\n`;
}

/** One line of an error file: a request that failed with `code` and `message`. */
export function errorLine(customId: string, code: string, message: string): string {
  return `${JSON.stringify({ id: `r-${customId}`, custom_id: customId, response: null, error: { code, message } })}\n`;
}
