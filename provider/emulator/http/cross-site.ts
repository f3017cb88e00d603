import type { IncomingHttpHeaders } from "node:http";
import type { ApiError } from "../api/api-error";
import { adminCrossSite, adminNeedsJson } from "../api/errors";

/** Methods a web page may send to another site without a CORS preflight (with a simple body). */
const READ_ONLY = new Set(["GET", "HEAD"]);

/**
 * Why an admin request must be refused because a web page on another site may have sent it, or
 * undefined. A browser adds `Origin` to cross-site requests, and can send a POST cross-site
 * without asking first only with a `text/plain`, form or multipart body: so an `Origin` that is not
 * the emulator's own is refused (403), and a call that changes state must say
 * `Content-Type: application/json` (415), which a page can only send after a CORS preflight that
 * the emulator never approves. Scripts, `curl` and the SDKs send no `Origin`.
 */
export function crossSiteRefusal(method: string, headers: IncomingHttpHeaders): ApiError | undefined {
  const origin = headers.origin;
  if (origin !== undefined && origin !== `http://${headers.host ?? ""}`) return adminCrossSite(origin);
  if (READ_ONLY.has(method)) return undefined;
  const type = (headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase();
  return type === "application/json" ? undefined : adminNeedsJson(headers["content-type"]);
}
