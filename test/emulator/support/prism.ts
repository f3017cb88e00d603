import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { REPO_ROOT } from "./harness";

/** The OpenAPI subset of the Files, Batches and Uploads paths, next to the repository. */
export const SPEC_PATH = resolve(REPO_ROOT, "../shared/openai-openapi/openapi.batch-subset.yaml");

/** The path prefix of the spec's server URL ("/v1" for https://api.openai.com/v1). */
export function specPathPrefix(): string {
  const match = /^servers:\s*\n-\s*url:\s*(\S+)/m.exec(readFileSync(SPEC_PATH, "utf8"));
  if (match?.[1] === undefined) throw new RangeError(`no servers url in ${SPEC_PATH}`);
  return new URL(match[1]).pathname.replace(/\/$/, "");
}

export interface PrismProxy {
  origin: string;
  output(): string;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/**
 * Starts Prism as a validating proxy in front of `upstream`: with --errors, a request that breaks
 * the spec is refused (422, or 401 without a key) and a response that breaks it becomes an error.
 */
export async function startPrismProxy(upstream: string): Promise<PrismProxy> {
  const port = await freePort();
  const bin = join(REPO_ROOT, "node_modules", ".bin", "prism");
  const child: ChildProcess = spawn(
    bin,
    ["proxy", "--errors", "-h", "127.0.0.1", "-p", String(port), SPEC_PATH, upstream],
    {
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new RangeError(`Prism did not start in 45 s:\n${output}`)), 45_000);
    const check = () => {
      if (output.includes("Prism is listening")) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout?.on("data", check);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new RangeError(`Prism exited with code ${code}:\n${output}`));
    });
  });
  return {
    origin: `http://127.0.0.1:${port}`,
    output: () => output,
    stop: () =>
      new Promise<void>((resolveStop) => {
        if (child.exitCode !== null) return resolveStop();
        child.once("exit", () => resolveStop());
        child.kill("SIGTERM");
      }),
  };
}
