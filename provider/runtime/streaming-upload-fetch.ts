import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { encodeMultipart } from "./multipart-body";

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * A `fetch` that sends multipart bodies (file uploads) through `node:http` with back-pressure,
 * and hands every other request to `base`. Node 20's own `fetch` queues a request body faster
 * than the socket drains it (nodejs/undici#4058), so a 200 MB upload would end up in memory even
 * though the file is read lazily; through a pipeline, memory stays at a few chunks.
 */
export function withStreamingUploads(base: typeof fetch): typeof fetch {
  return async (input, init) => {
    if (!(init?.body instanceof FormData)) {
      return base(input, init);
    }
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    return sendMultipart(url, init.body, init);
  };
}

function sendMultipart(url: URL, form: FormData, init: RequestInit): Promise<Response> {
  const body = encodeMultipart(form);
  const headers = new Headers(init.headers);
  headers.set("content-type", body.contentType);
  headers.set("content-length", String(body.length));
  headers.delete("transfer-encoding");
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise<Response>((resolve, reject) => {
    const request = send(
      url,
      {
        method: init.method ?? "POST",
        headers: Object.fromEntries(headers),
        ...(init.signal ? { signal: init.signal } : {}),
      },
      (response) => resolve(toFetchResponse(response)),
    );
    request.on("error", reject);
    pipeline(body.stream, request).catch(reject);
  });
}

function toFetchResponse(response: IncomingMessage): Response {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) {
      headers.set(name, Array.isArray(value) ? value.join(", ") : value);
    }
  }
  const status = response.statusCode ?? 500;
  const body = NULL_BODY_STATUSES.has(status)
    ? null
    : (Readable.toWeb(response) as unknown as ReadableStream<Uint8Array>);
  if (body === null) {
    response.resume();
  }
  return new Response(body, { status, statusText: response.statusMessage ?? "", headers });
}
