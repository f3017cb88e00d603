import type { Readable } from "node:stream";

const BRAND = Symbol.for("pulumi-openai-batch.emulator.ClientGoneError");

/** The client closed the connection before its request body ended. */
export class ClientGoneError extends Error {
  readonly [BRAND] = true;
  override readonly name = "ClientGoneError";
}

export function isClientGoneError(value: unknown): value is ClientGoneError {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/**
 * Feeds a request body to `onChunk`, one chunk at a time, pausing the request while a chunk is
 * being handled (backpressure). When `onChunk` fails, the rest of the body is read and thrown
 * away, so that the error can still be answered on a healthy connection, and the failure is
 * rethrown at the end.
 */
export function consumeBody(req: Readable, onChunk: (chunk: Buffer) => Promise<void> | void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let failure: unknown;
    let failed = false;
    let pending: Promise<void> = Promise.resolve();
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("close", onClose);
      req.off("error", onClose);
      if (error !== undefined) reject(error);
      else if (failed) reject(failure);
      else resolve();
    };
    const onData = (chunk: Buffer) => {
      if (failed) return;
      let result: Promise<void> | void;
      try {
        result = onChunk(chunk);
      } catch (error) {
        failed = true;
        failure = error;
        return;
      }
      if (result instanceof Promise) {
        req.pause();
        pending = result.then(
          () => {
            req.resume();
          },
          (error: unknown) => {
            failed = true;
            failure = error;
            req.resume();
          },
        );
      }
    };
    const onEnd = () => {
      void pending.then(() => settle());
    };
    const onClose = () => {
      if (!req.readableEnded)
        settle(new ClientGoneError("The client closed the connection before the request body ended."));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("close", onClose);
    req.on("error", onClose);
  });
}
