import type { SetMember } from "../contract";

/**
 * The `setMember` input as the provider received it, or undefined when it is absent or of another
 * shape (a state written before sets reported on their own row, or a value no set wrote): then the
 * batch reports on its own row, as a batch outside a set does.
 */
export function setMemberOf(value: unknown): SetMember | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  const { setUrn, wave, waves, batches, requests } = value as Record<string, unknown>;
  if (typeof setUrn !== "string" || !setUrn.startsWith("urn:pulumi:")) return undefined;
  const counts = [wave, waves, batches, requests];
  if (!counts.every((count) => typeof count === "number" && Number.isSafeInteger(count) && count >= 0)) {
    return undefined;
  }
  return { setUrn, wave, waves, batches, requests } as SetMember;
}
