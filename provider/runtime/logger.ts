import { displayable } from "../display";

/**
 * A leveled logger, off by default. Turn it on with PULUMI_OPENAI_BATCH_LOG=debug|info|warn; lines
 * go to stderr, which Pulumi keeps in its engine log. It is only ever given method, path, status
 * and ids: never headers, so never the Authorization header. Each message is one line, its
 * control characters escaped (it may carry a server's text).
 */
export type LogLevel = "debug" | "info" | "warn" | "off";

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
}

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, off: 3 };

export const LOG_LEVEL_VARIABLE = "PULUMI_OPENAI_BATCH_LOG";

export function createLogger(level: LogLevel, write: (line: string) => void): Logger {
  const at = (wanted: LogLevel) => (message: string) => {
    if (RANK[wanted] >= RANK[level]) {
      write(`[pulumi-openai-batch] ${wanted}: ${displayable(message)}\n`);
    }
  };
  return { debug: at("debug"), info: at("info"), warn: at("warn") };
}

export function loggerFromEnv(env: Readonly<Record<string, string | undefined>>): Logger {
  const wanted = env[LOG_LEVEL_VARIABLE]?.toLowerCase();
  const level: LogLevel = wanted === "debug" || wanted === "info" || wanted === "warn" ? wanted : "off";
  return createLogger(level, (line) => process.stderr.write(line));
}
