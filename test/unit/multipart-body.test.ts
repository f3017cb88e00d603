import { mkdtempSync, openAsBlob, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { text } from "node:stream/consumers";
import { describe, expect, test } from "vitest";
import { encodeMultipart } from "../../provider/runtime/multipart-body";

async function roundTrip(form: FormData) {
  const body = encodeMultipart(form);
  const bytes = Buffer.from(await text(body.stream), "utf8");
  const parsed = await new Response(bytes, { headers: { "content-type": body.contentType } }).formData();
  return { body, bytes, parsed };
}

describe("encodeMultipart", () => {
  test("gives the exact length, and a body that parses back to the same fields and file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "multipart-"));
    const path = join(dir, "in.jsonl");
    const content = `${'{"custom_id":"a"}\n'.repeat(1000)}`;
    writeFileSync(path, content);
    const form = new FormData();
    form.append("purpose", "batch");
    form.append("file", new File([await openAsBlob(path)], 'in "x".jsonl', { type: "application/jsonl" }));

    const { body, bytes, parsed } = await roundTrip(form);
    expect(body.length).toBe(bytes.length);
    expect(body.contentType).toMatch(/^multipart\/form-data; boundary=----pulumi-openai-batch-[0-9a-f]{24}$/);
    expect(parsed.get("purpose")).toBe("batch");
    const file = parsed.get("file") as File;
    expect(file.name).toBe('in "x".jsonl');
    expect(file.type).toBe("application/jsonl");
    expect(await file.text()).toBe(content);
  });

  test("an empty form is just the closing boundary", async () => {
    const { body, bytes } = await roundTrip(new FormData());
    expect(bytes.toString()).toBe(`--${body.contentType.split("boundary=")[1]}--\r\n`);
    expect(body.length).toBe(bytes.length);
  });
});
