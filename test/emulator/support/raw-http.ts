import { request } from "node:http";
import type { Readable } from "node:stream";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): unknown;
}

/** A plain HTTP request, for bodies the SDK would never send. `body` may be a stream. */
export function rawRequest(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string | number>;
    body?: string | Buffer | Readable;
  } = {},
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? "GET", headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as unknown,
        });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    const body = options.body;
    if (body === undefined) req.end();
    else if (typeof body === "string" || Buffer.isBuffer(body)) req.end(body);
    else body.pipe(req);
  });
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}

/** A multipart body built by hand: `parts` are [name, value] or [name, value, filename]. */
export function multipart(boundary: string, parts: [string, string, string?][]): string {
  const fields = parts.map(([name, value, filename]) => {
    const file = filename === undefined ? "" : `; filename="${filename}"`;
    const type = filename === undefined ? "" : "\r\nContent-Type: application/octet-stream";
    return `--${boundary}\r\nContent-Disposition: form-data; name="${name}"${file}${type}\r\n\r\n${value}\r\n`;
  });
  return `${fields.join("")}--${boundary}--\r\n`;
}
