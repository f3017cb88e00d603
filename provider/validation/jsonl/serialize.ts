/**
 * The exact bytes uploaded for inline `requests`: one compact JSON object per line, each line
 * ending with a newline. The same requests always give the same bytes, and so the same sha256.
 */
export function serializeRequests(requests: readonly unknown[]): Buffer {
  const lines = requests.map((request) => `${JSON.stringify(request) ?? "null"}\n`);
  return Buffer.from(lines.join(""), "utf8");
}
