import { ERROR_BRAND, hasBrand } from "./brand";

/**
 * An input file cannot be read: it does not exist, is not a regular file (a directory, a named
 * pipe, a device, a socket), or the system refused it. Nothing was read from it and nothing was
 * sent. `path` is the path that was tried, resolved; `reason` says why in plain words.
 */
export class BatchInputFileError extends Error {
  readonly [ERROR_BRAND] = "inputFile" as const;
  override readonly name = "BatchInputFileError";
  readonly path: string;
  readonly reason: string;

  constructor(path: string, reason: string) {
    super(`cannot read ${path}: ${reason}`);
    this.path = path;
    this.reason = reason;
  }
}

export function isBatchInputFileError(value: unknown): value is BatchInputFileError {
  return hasBrand(value, "inputFile");
}
