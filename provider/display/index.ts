/** The singular or the plural of a word, for a count. */
export { noun } from "./plural";
/** Text from a server, made fit to show a person: control characters escaped, long text cut, the key scrubbed. */
export { CUT_MARK, displayable, displayableJson, scrubKey } from "./server-text";
export { hasCredentials, scrubUrlCredentials, withoutCredentials } from "./url-credentials";
