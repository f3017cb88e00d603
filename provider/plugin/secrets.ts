/**
 * The marks with which the Pulumi engine wraps a secret value for a provider that accepts
 * secrets (the Node provider server says it does): `{ [SIG]: SECRET_SIG, value }`.
 */
const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/**
 * The value with every secret wrapper replaced by the value inside it. The runtime works on plain
 * values; the engine marks as secret again every output whose input was secret.
 */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SIGNATURE_KEY] === SECRET_SIGNATURE) return unwrapSecrets(record.value);
  return Object.fromEntries(Object.entries(record).map(([key, inner]) => [key, unwrapSecrets(inner)]));
}

/** A property bag from the engine, unwrapped; anything but an object is an empty bag. */
export function plainProperties(value: unknown): Record<string, unknown> {
  const plain = unwrapSecrets(value);
  return typeof plain === "object" && plain !== null && !Array.isArray(plain)
    ? (plain as Record<string, unknown>)
    : {};
}
