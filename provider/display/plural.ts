/**
 * The word for a count in a message: the singular for exactly one, the plural otherwise
 * (`1 request`, `0 requests`, `2 requests`); an unknown count takes the plural. The count itself is the caller's to format.
 */
export function noun(count: number | null | undefined, singular: string, plural = `${singular}s`): string {
  return count === 1 ? singular : plural;
}
