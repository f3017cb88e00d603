/** Where a line stops being JSON, and what was found there, without quoting the line. */
export interface JsonSyntaxError {
  /** 1-based column (in characters) where the text stops being valid JSON. */
  column: number;
  /** What is wrong there, e.g. `a string is not closed`; never any of the line's own text. */
  problem: string;
}

const STRUCTURAL = new Set(["{", "}", "[", "]", ":", ","]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NOT_JSON_WORDS = ["NaN", "Infinity", "-Infinity", "undefined"];

/**
 * Finds the first place where `text` is not valid JSON. The message never repeats the text itself
 * (a line may hold a secret, and these messages end up in CI logs): it names the column and the
 * kind of thing found, quoting only JSON's own punctuation. Returns undefined for valid JSON.
 */
export function locateJsonError(text: string): JsonSyntaxError | undefined {
  return new Locator(text).run();
}

type Expect = "value" | "keyOrEnd" | "key" | "colon" | "commaOrEnd" | "end";

class Locator {
  private index = 0;
  /** The open containers: `}` for an object, `]` for an array. */
  private readonly closers: string[] = [];

  constructor(private readonly text: string) {}

  run(): JsonSyntaxError | undefined {
    let expect: Expect = "value";
    for (;;) {
      this.skipSpace();
      const char = this.text[this.index];
      if (char === undefined) {
        return expect === "end" ? undefined : this.fail(this.endProblem(expect));
      }
      switch (expect) {
        case "end":
          return this.fail(`${describe(char)} after the end of the JSON value; put one request per line`);
        case "colon":
          if (char !== ":") return this.fail(`expected ':' after the key, found ${describe(char)}`);
          this.index += 1;
          expect = "value";
          break;
        case "key":
        case "keyOrEnd":
          if (char === "}" && expect === "keyOrEnd") {
            expect = this.close();
          } else if (char === '"') {
            const error = this.string();
            if (error !== undefined) return error;
            expect = "colon";
          } else {
            return this.fail(`expected a key in double quotes, found ${describe(char)}`);
          }
          break;
        case "commaOrEnd":
          if (char === ",") {
            this.index += 1;
            expect = this.closers.at(-1) === "}" ? "key" : "value";
          } else if (char === this.closers.at(-1)) {
            expect = this.close();
          } else {
            return this.fail(`expected ',' or '${this.closers.at(-1)}', found ${describe(char)}`);
          }
          break;
        case "value": {
          const next = this.value(char);
          if (typeof next !== "string") return next;
          expect = next;
          break;
        }
      }
    }
  }

  private value(char: string): Expect | JsonSyntaxError {
    if (char === "{" || char === "[") {
      this.closers.push(char === "{" ? "}" : "]");
      this.index += 1;
      this.skipSpace();
      if (char === "[" && this.text[this.index] === "]") {
        return this.close();
      }
      return char === "{" ? "keyOrEnd" : "value";
    }
    if (char === '"') {
      return this.string() ?? this.afterValue();
    }
    for (const word of NOT_JSON_WORDS) {
      if (this.text.startsWith(word, this.index)) {
        return this.fail(`${word} is not a JSON value; write a number, or null`);
      }
    }
    for (const word of ["true", "false", "null"]) {
      if (this.text.startsWith(word, this.index)) {
        this.index += word.length;
        return this.afterValue();
      }
    }
    NUMBER.lastIndex = this.index;
    const number = NUMBER.exec(this.text);
    if (number !== null) {
      this.index += number[0].length;
      return this.afterValue();
    }
    if (char === "'") {
      return this.fail("a string in single quotes; JSON strings use double quotes");
    }
    return this.fail(`expected a value, found ${describe(char)}`);
  }

  /** Reads a string from its opening quote; returns an error, or undefined when it is well formed. */
  private string(): JsonSyntaxError | undefined {
    const start = this.index;
    this.index += 1;
    for (;;) {
      const code = this.text.charCodeAt(this.index);
      if (Number.isNaN(code)) {
        this.index = start;
        return this.fail("a string is not closed before the end of the line");
      }
      if (code === 0x22) {
        this.index += 1;
        return undefined;
      }
      if (code < 0x20) {
        return this.fail("a control character (such as a tab or newline) inside a string; escape it");
      }
      if (code === 0x5c) {
        const escaped = this.text[this.index + 1];
        if (escaped === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(this.text.slice(this.index + 2, this.index + 6))) {
            return this.fail("a \\u escape needs four hexadecimal digits");
          }
          this.index += 6;
          continue;
        }
        if (escaped === undefined || !'"\\/bfnrt'.includes(escaped)) {
          return this.fail("an escape that JSON does not have; use \\\\ for a backslash");
        }
        this.index += 2;
        continue;
      }
      this.index += 1;
    }
  }

  private afterValue(): Expect {
    return this.closers.length === 0 ? "end" : "commaOrEnd";
  }

  private close(): Expect {
    this.closers.pop();
    this.index += 1;
    return this.afterValue();
  }

  private endProblem(expect: Expect): string {
    if (this.closers.length > 0) {
      return `the line ends before '${this.closers.at(-1)}' closes what it opened`;
    }
    return expect === "value" ? "the line ends where a value was expected" : "the line ends too early";
  }

  private skipSpace(): void {
    while (/[ \t\r\n]/.test(this.text[this.index] ?? "")) {
      this.index += 1;
    }
  }

  private fail(problem: string): JsonSyntaxError {
    return { column: this.index + 1, problem };
  }
}

/** Names a character without repeating the user's text: JSON punctuation only is quoted. */
function describe(char: string): string {
  if (STRUCTURAL.has(char) || char === '"') {
    return `'${char}'`;
  }
  if (/[0-9-]/.test(char)) {
    return "a number";
  }
  if (/\p{L}/u.test(char)) {
    return "a word that is not a JSON value (strings need double quotes)";
  }
  return "a character that JSON does not allow there";
}
