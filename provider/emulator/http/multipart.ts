import type { IncomingMessage } from "node:http";
import { bodyTooLarge, invalidMultipart } from "../api/errors";
import { type FileSink, openSink } from "../store/file-sink";
import { consumeBody } from "./consume-body";
import { parseContentDisposition, parseMediaType } from "./header-params";

export interface MultipartLimits {
  /** Largest file part; above it the request is refused with 413. */
  maxFileBytes: number;
  maxFieldBytes: number;
  maxParts: number;
}

/** A file part, already written to a temporary file. */
export interface ReceivedFile {
  field: string;
  filename: string;
  contentType: string;
  path: string;
  bytes: number;
}

export interface MultipartBody {
  fields: Map<string, string>;
  files: Map<string, ReceivedFile>;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");
const MAX_HEADER_BYTES = 16 * 1024;

type State = "preamble" | "delimiter" | "headers" | "body" | "done";

interface OpenPart {
  field: string;
  file?: { sink: FileSink; filename: string; contentType: string };
  chunks: Buffer[];
  size: number;
}

/**
 * Reads a multipart/form-data request as it arrives. File parts stream straight into temporary
 * files made by `tempPath` (never held in memory); other fields are kept as strings. On any
 * failure every temporary file is deleted and the error (400, or 413 over a limit) is thrown.
 */
export async function readMultipart(
  req: IncomingMessage,
  tempPath: () => string,
  limits: MultipartLimits,
): Promise<MultipartBody> {
  const type = parseMediaType(req.headers["content-type"]);
  if (type.type !== "multipart/form-data") {
    throw invalidMultipart(
      `expected Content-Type multipart/form-data, got ${JSON.stringify(req.headers["content-type"] ?? "")}.`,
    );
  }
  const boundary = type.params.get("boundary");
  if (boundary === undefined || boundary.length < 1 || boundary.length > 200) {
    throw invalidMultipart("the Content-Type header has no boundary.");
  }
  const parser = new MultipartParser(Buffer.from(`\r\n--${boundary}`), tempPath, limits);
  try {
    await consumeBody(req, (chunk) => parser.push(chunk));
    return await parser.end();
  } catch (error) {
    await parser.discard();
    throw error;
  }
}

class MultipartParser {
  private state: State = "preamble";
  /** Unprocessed bytes. Starts with CRLF so that the first boundary reads like every other. */
  private buffer: Buffer = CRLF;
  private part: OpenPart | undefined;
  private parts = 0;
  private readonly fields = new Map<string, string>();
  private readonly files = new Map<string, ReceivedFile>();
  private readonly sinks: FileSink[] = [];

  constructor(
    private readonly delimiter: Buffer,
    private readonly tempPath: () => string,
    private readonly limits: MultipartLimits,
  ) {}

  async push(chunk: Buffer): Promise<void> {
    if (this.state === "done") return;
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    await this.consume();
  }

  async end(): Promise<MultipartBody> {
    if (this.state !== "done") throw invalidMultipart("the body ended before the closing boundary.");
    return { fields: this.fields, files: this.files };
  }

  async discard(): Promise<void> {
    await Promise.all(this.sinks.map((sink) => sink.abort()));
  }

  private async consume(): Promise<void> {
    for (;;) {
      switch (this.state) {
        case "preamble": {
          const at = this.buffer.indexOf(this.delimiter);
          if (at === -1) {
            this.buffer = this.buffer.subarray(Math.max(0, this.buffer.length - this.delimiter.length + 1));
            return;
          }
          this.buffer = this.buffer.subarray(at + this.delimiter.length);
          this.state = "delimiter";
          break;
        }
        case "delimiter": {
          if (this.buffer.length < 2) return;
          const next = this.buffer.subarray(0, 2).toString("latin1");
          if (next === "--") {
            this.state = "done";
            this.buffer = Buffer.alloc(0);
            return;
          }
          const lineEnd = this.buffer.indexOf(CRLF);
          if (lineEnd === -1) {
            if (this.buffer.length > 64) throw invalidMultipart("a boundary line is malformed.");
            return;
          }
          if (this.buffer.subarray(0, lineEnd).toString("latin1").trim() !== "") {
            throw invalidMultipart("a boundary line is malformed.");
          }
          this.buffer = this.buffer.subarray(lineEnd + 2);
          this.state = "headers";
          break;
        }
        case "headers": {
          if (this.buffer.length >= 2 && this.buffer[0] === 13 && this.buffer[1] === 10) {
            throw invalidMultipart("a part has no Content-Disposition header.");
          }
          const at = this.buffer.indexOf(HEADER_END);
          if (at === -1) {
            if (this.buffer.length > MAX_HEADER_BYTES)
              throw invalidMultipart("the headers of a part are too long.");
            return;
          }
          await this.openPart(this.buffer.subarray(0, at).toString("utf8"));
          this.buffer = this.buffer.subarray(at + HEADER_END.length);
          this.state = "body";
          break;
        }
        case "body": {
          const at = this.buffer.indexOf(this.delimiter);
          if (at === -1) {
            const safe = this.buffer.length - this.delimiter.length + 1;
            if (safe > 0) {
              await this.write(this.buffer.subarray(0, safe));
              this.buffer = this.buffer.subarray(safe);
            }
            return;
          }
          await this.write(this.buffer.subarray(0, at));
          await this.closePart();
          this.buffer = this.buffer.subarray(at + this.delimiter.length);
          this.state = "delimiter";
          break;
        }
        case "done":
          return;
      }
    }
  }

  private async openPart(headerText: string): Promise<void> {
    this.parts += 1;
    if (this.parts > this.limits.maxParts)
      throw invalidMultipart(`the body has more than ${this.limits.maxParts} parts.`);
    const headers = new Map<string, string>();
    for (const line of headerText.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0)
        throw invalidMultipart(`a part has a malformed header line ${JSON.stringify(line.slice(0, 80))}.`);
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const disposition = parseContentDisposition(headers.get("content-disposition"));
    if (disposition === undefined || disposition.type !== "form-data" || disposition.name === undefined) {
      throw invalidMultipart("a part has no Content-Disposition: form-data header with a name.");
    }
    const part: OpenPart = { field: disposition.name, chunks: [], size: 0 };
    if (disposition.filename !== undefined) {
      if (this.files.has(part.field)) throw invalidMultipart(`the file field '${part.field}' appears twice.`);
      const sink = openSink(this.tempPath());
      this.sinks.push(sink);
      part.file = {
        sink,
        filename: disposition.filename,
        contentType: headers.get("content-type") ?? "application/octet-stream",
      };
    }
    this.part = part;
  }

  private async write(data: Buffer): Promise<void> {
    const part = this.part;
    if (part === undefined || data.length === 0) return;
    part.size += data.length;
    if (part.file !== undefined) {
      if (part.size > this.limits.maxFileBytes) throw bodyTooLarge(this.limits.maxFileBytes);
      await part.file.sink.write(data);
      return;
    }
    if (part.size > this.limits.maxFieldBytes) {
      throw invalidMultipart(`the field '${part.field}' is longer than ${this.limits.maxFieldBytes} bytes.`);
    }
    part.chunks.push(Buffer.from(data));
  }

  private async closePart(): Promise<void> {
    const part = this.part;
    this.part = undefined;
    if (part === undefined) return;
    if (part.file === undefined) {
      this.fields.set(part.field, Buffer.concat(part.chunks).toString("utf8"));
      return;
    }
    await part.file.sink.finish(false);
    this.files.set(part.field, {
      field: part.field,
      filename: part.file.filename,
      contentType: part.file.contentType,
      path: part.file.sink.path,
      bytes: part.size,
    });
  }
}
