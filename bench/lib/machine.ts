import { execFileSync } from "node:child_process";
import { availableParallelism, cpus, totalmem } from "node:os";
import type { Machine } from "../report/types";

/** The machine the figures come from: they mean little without it. */
export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    totalMemoryMiB: Math.round(totalmem() / (1024 * 1024)),
    jq: jqVersion(),
  };
}

/** The version `jq --version` prints, or null when jq is not installed. */
export function jqVersion(): string | null {
  try {
    return execFileSync("jq", ["--version"], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
    }).trim();
  } catch {
    return null;
  }
}
