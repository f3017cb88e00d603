/** Parsers for the parameters of Content-Type and Content-Disposition headers. */

export interface MediaType {
  type: string;
  params: Map<string, string>;
}

export function parseMediaType(header: string | undefined): MediaType {
  if (header === undefined) return { type: "", params: new Map() };
  const [type = "", ...rest] = splitParams(header);
  return { type: type.trim().toLowerCase(), params: paramsOf(rest) };
}

export interface ContentDisposition {
  type: string;
  name: string | undefined;
  filename: string | undefined;
}

export function parseContentDisposition(header: string | undefined): ContentDisposition | undefined {
  if (header === undefined) return undefined;
  const [type = "", ...rest] = splitParams(header);
  const params = paramsOf(rest);
  let filename = params.get("filename");
  const extended = params.get("filename*");
  if (extended !== undefined) {
    const match = /^[\w-]*'[\w-]*'(.*)$/.exec(extended);
    try {
      filename = decodeURIComponent(match?.[1] ?? extended);
    } catch {
      filename = extended;
    }
  }
  return { type: type.trim().toLowerCase(), name: params.get("name"), filename };
}

/** Splits on `;` outside quoted strings. */
function splitParams(header: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < header.length; i++) {
    const char = header[i] ?? "";
    if (quoted && char === "\\" && i + 1 < header.length) {
      current += char + (header[i + 1] ?? "");
      i++;
      continue;
    }
    if (char === '"') quoted = !quoted;
    if (char === ";" && !quoted) {
      parts.push(current);
      current = "";
      continue;
    }
    current += char;
  }
  parts.push(current);
  return parts;
}

function paramsOf(parts: string[]): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim().toLowerCase();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) {
      value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    params.set(key, value);
  }
  return params;
}
