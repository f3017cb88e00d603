import type { FaultKind, FaultRule } from "../types";
import { methodMatches, pathMatches } from "./match";
import { seededRandom } from "./prng";

/** How one request inside a batch fails, as a `request_failure` rule decided. */
export interface RequestFailure {
  statusCode: number;
  errorCode: string;
}

/** What to do to one /v1 call. */
export interface FaultDecision {
  /** Real milliseconds to wait first (sum of the latency rules that fired). */
  latencyMs: number;
  /** The failure to inject, if a failing rule fired. */
  failure?: {
    kind: Exclude<FaultKind, "latency" | "request_failure" | DownloadFaultKind>;
    retryAfterSeconds: number;
  };
  /** For a file download: close the connection after this many bytes of content. */
  cutAfterBytes?: number;
  /** For a file download: answer the whole content (200), as if `Range` were not supported. */
  ignoreRange?: boolean;
  /** The fault to record: the failure if any, else "latency" when only latency fired. */
  recorded?: FaultKind;
}

/** The faults that change how a file's content is sent rather than whether it is. */
type DownloadFaultKind = "cut_download" | "ignore_range";

/** The one call the download faults apply to: GET /v1/files/{id}/content. */
const DOWNLOAD_PATH = "/v1/files/*/content";

interface ActiveRule {
  rule: FaultRule;
  remaining: number | undefined;
  random: () => number;
}

/**
 * Holds the fault rules and decides, call by call, which of them fire. Rules are tried in order:
 * every latency rule that fires adds its delay, and the first failing rule that fires wins. A
 * `count` rule fires on the next N matching calls and is then dropped; a `rate` rule fires with
 * that probability, drawn from its own PRNG so that a run repeats exactly.
 */
export class FaultInjector {
  private active: ActiveRule[] = [];

  setRules(rules: readonly FaultRule[]): void {
    this.active = rules.map((rule) => ({
      rule: { ...rule },
      remaining: rule.count,
      random: seededRandom(rule.seed ?? 1),
    }));
  }

  /** The rules in force; a `count` rule shows the calls it has left. */
  rules(): FaultRule[] {
    return this.active.map(({ rule, remaining }) =>
      remaining === undefined ? { ...rule } : { ...rule, count: remaining },
    );
  }

  decide(method: string, path: string): FaultDecision {
    const decision: FaultDecision = { latencyMs: 0 };
    let latency = false;
    for (const entry of this.active) {
      const { rule } = entry;
      if (rule.kind === "request_failure") continue;
      if (!methodMatches(rule.method, method) || !pathMatches(rule.path, path)) continue;
      if (rule.kind === "cut_download" || rule.kind === "ignore_range") {
        if (method !== "GET" || !pathMatches(DOWNLOAD_PATH, path) || !this.fires(entry)) continue;
        if (rule.kind === "ignore_range") decision.ignoreRange = true;
        else decision.cutAfterBytes = Math.min(decision.cutAfterBytes ?? Infinity, rule.afterBytes ?? 0);
        continue;
      }
      if (rule.kind !== "latency" && decision.failure) continue;
      if (!this.fires(entry)) continue;
      if (rule.kind === "latency") {
        decision.latencyMs += rule.latencyMs ?? 0;
        latency = true;
      } else {
        decision.failure = { kind: rule.kind, retryAfterSeconds: rule.retryAfterSeconds ?? 1 };
      }
    }
    const recorded =
      decision.failure?.kind ??
      (decision.cutAfterBytes !== undefined
        ? "cut_download"
        : decision.ignoreRange
          ? "ignore_range"
          : latency
            ? "latency"
            : undefined);
    if (recorded !== undefined) decision.recorded = recorded;
    this.dropSpent();
    return decision;
  }

  /**
   * Decides whether one request of a batch fails, by the first `request_failure` rule whose
   * `path` matches the request's `url` and that fires. Requests run in input order, so a seeded
   * rate fails the same requests run after run.
   */
  decideRequest(url: string): RequestFailure | undefined {
    let failure: RequestFailure | undefined;
    for (const entry of this.active) {
      const { rule } = entry;
      if (rule.kind !== "request_failure" || !pathMatches(rule.path, url)) continue;
      if (!this.fires(entry)) continue;
      failure = { statusCode: rule.statusCode ?? 500, errorCode: rule.errorCode ?? "server_error" };
      break;
    }
    this.dropSpent();
    return failure;
  }

  private dropSpent(): void {
    this.active = this.active.filter((entry) => entry.remaining === undefined || entry.remaining > 0);
  }

  private fires(entry: ActiveRule): boolean {
    if (entry.remaining !== undefined) {
      entry.remaining -= 1;
      return true;
    }
    if (entry.rule.rate !== undefined) return entry.random() < entry.rule.rate;
    return true;
  }
}
