import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";

export interface MultipartBody {
  contentType: string;
  /** The exact length in bytes, so that the request carries a Content-Length. */
  length: number;
  /** The body, reading file parts only as it is consumed. */
  stream: Readable;
}

const CRLF = "\r\n";

/**
 * Encodes a form as multipart/form-data with an exact length: the framing is small and in memory,
 * and each file part is streamed from its Blob (backed by a file on disk, for an upload).
 */
export function encodeMultipart(form: FormData): MultipartBody {
  const boundary = `----pulumi-openai-batch-${randomBytes(12).toString("hex")}`;
  const pieces: (Buffer | Blob)[] = [];
  for (const [name, value] of form.entries()) {
    const disposition = `form-data; name="${escapeQuoted(name)}"`;
    if (typeof value === "string") {
      pieces.push(
        Buffer.from(`--${boundary}${CRLF}Content-Disposition: ${disposition}${CRLF}${CRLF}${value}${CRLF}`),
      );
    } else {
      const type = value.type || "application/octet-stream";
      pieces.push(
        Buffer.from(
          `--${boundary}${CRLF}Content-Disposition: ${disposition}; filename="${escapeQuoted(value.name)}"${CRLF}Content-Type: ${type}${CRLF}${CRLF}`,
        ),
        value,
        Buffer.from(CRLF),
      );
    }
  }
  pieces.push(Buffer.from(`--${boundary}--${CRLF}`));
  const length = pieces.reduce((sum, piece) => sum + (piece instanceof Blob ? piece.size : piece.length), 0);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    length,
    stream: Readable.from(generate(pieces)),
  };
}

async function* generate(pieces: readonly (Buffer | Blob)[]): AsyncGenerator<Uint8Array> {
  for (const piece of pieces) {
    if (piece instanceof Blob) {
      yield* Readable.fromWeb(piece.stream() as WebReadableStream<Uint8Array>);
    } else {
      yield piece;
    }
  }
}

/** As browsers and undici do: quotes and line breaks in a name are percent-encoded. */
function escapeQuoted(text: string): string {
  return text.replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/"/g, "%22");
}
