import type { BackendKind } from "./profile";

/** The credentials a connection may carry. */
export interface Credentials {
  apiKey: string | undefined;
  /** A Microsoft Entra ID bearer token (Azure only), used when no key is set. */
  adToken?: string | undefined;
}

/** How the SDK reaches a backend: base URL, query and headers. */
export interface BackendConnection {
  baseURL: string;
  /** Added to every call's query (Azure's older API: `api-version`). */
  defaultQuery: Readonly<Record<string, string>> | undefined;
  /** Added to every call; `null` removes the SDK's own header of that name. */
  defaultHeaders: Readonly<Record<string, string | null>>;
  /** What the SDK takes as its key: sent as a bearer token unless `defaultHeaders` removes it. */
  sdkKey: string;
  /** Every secret the calls carry, to be scrubbed from whatever a server sends back. */
  secrets: readonly string[];
}

/**
 * The connection to a backend. OpenAI and compatible backends: the base URL as given, the key as a
 * bearer token. Azure: the resource's endpoint (the base URL, with any `/openai` or `/openai/v1`
 * path taken off) with `/openai/v1` (the v1 API) or, with an API version, `/openai` and the
 * `api-version` query (the older API); the key in the `api-key` header, which both take, or an
 * Entra ID token as a bearer token when no key is set. Pure.
 */
export function connectionOf(
  kind: BackendKind,
  baseUrl: string,
  apiVersion: string | undefined,
  credentials: Credentials,
): BackendConnection {
  const key = credentials.apiKey ?? "";
  if (kind !== "azure") {
    return { baseURL: baseUrl, defaultQuery: undefined, defaultHeaders: {}, sdkKey: key, secrets: [key] };
  }
  const root = azureResourceRoot(baseUrl);
  const baseURL = apiVersion === undefined ? `${root}/openai/v1` : `${root}/openai`;
  const defaultQuery = apiVersion === undefined ? undefined : { "api-version": apiVersion };
  if (credentials.apiKey === undefined && credentials.adToken !== undefined) {
    return {
      baseURL,
      defaultQuery,
      defaultHeaders: {},
      sdkKey: credentials.adToken,
      secrets: [credentials.adToken],
    };
  }
  return {
    baseURL,
    defaultQuery,
    defaultHeaders: { authorization: null, "api-key": key },
    sdkKey: key,
    secrets: [key],
  };
}

/** `https://r.openai.azure.com/openai/v1/` → `https://r.openai.azure.com`: the resource's endpoint. */
export function azureResourceRoot(baseUrl: string): string {
  return baseUrl.replace(/\/+$/, "").replace(/\/openai(\/v1)?$/i, "");
}
