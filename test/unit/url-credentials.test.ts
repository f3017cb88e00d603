import { describe, expect, test } from "vitest";
import { hasCredentials, scrubUrlCredentials, withoutCredentials } from "../../provider/display";

describe("a URL's user name and password never reach text shown to a person", () => {
  test.each([
    ["http://user:hunter2@127.0.0.1:9/v1", "http://127.0.0.1:9/v1", true],
    ["https://only-user@example.com/v1/", "https://example.com/v1", true],
    ["https://api.openai.com/v1", "https://api.openai.com/v1", false],
    ["https://api.openai.com/v1/", "https://api.openai.com/v1", false],
  ])("%s is shown as %s", (url, shown, credentials) => {
    expect(withoutCredentials(url)).toBe(shown);
    expect(hasCredentials(url)).toBe(credentials);
  });

  test("every URL in a text loses its user information, and nothing else changes", () => {
    expect(
      scrubUrlCredentials(
        "Request cannot be constructed from a URL that includes credentials: http://user:hunter2@127.0.0.1:9/v1/batches/b; see https://a:b@x.test/ and mail@example.com",
      ),
    ).toBe(
      "Request cannot be constructed from a URL that includes credentials: http://127.0.0.1:9/v1/batches/b; see https://x.test/ and mail@example.com",
    );
  });
});
