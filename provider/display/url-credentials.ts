/**
 * A URL's user name and password are credentials: text shown to a person never carries them.
 * `withoutCredentials` drops them from one URL; `scrubUrlCredentials` from every URL in a text
 * (a fetch error, for one, quotes the whole URL it refused).
 */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username === "" && parsed.password === "") return url.replace(/\/$/, "");
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return scrubUrlCredentials(url);
  }
}

/** True when the URL carries a user name or a password. */
export function hasCredentials(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.username !== "" || parsed.password !== "";
  } catch {
    return /\/\/[^/\s@]*@/.test(url);
  }
}

/** The text with the user-information part of every `scheme://user:password@host` taken out. */
export function scrubUrlCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/\s@]*@/gi, "$1");
}
