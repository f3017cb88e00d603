import OpenAI, { toFile } from "openai";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../../provider/emulator";

export { REPO_ROOT } from "../../support/repo";

export interface TestEmulator {
  emulator: Emulator;
  /** An SDK client on the emulator, without retries. */
  client: OpenAI;
  close(): Promise<void>;
}

/** An emulator on a free port with a manual clock, and an SDK client for it. */
export async function startTestEmulator(options: EmulatorOptions = {}): Promise<TestEmulator> {
  const emulator = await startEmulator({ manualClock: true, ...options });
  const client = new OpenAI({ baseURL: emulator.url, apiKey: emulator.apiKey, maxRetries: 0 });
  return { emulator, client, close: () => emulator.close() };
}

export const CHAT = "/v1/chat/completions";
export const EMBEDDINGS = "/v1/embeddings";

/** A valid request line for an endpoint. */
export function requestLine(
  customId: string,
  url = CHAT,
  body: Record<string, unknown> = chatBody(customId),
): string {
  return JSON.stringify({ custom_id: customId, method: "POST", url, body });
}

export function chatBody(text: string, model = "gpt-4o-mini"): Record<string, unknown> {
  return { model, messages: [{ role: "user", content: text }] };
}

/** `count` valid chat request lines, each ending with a newline. */
export function chatJsonl(count: number): string {
  return Array.from({ length: count }, (_, i) => `${requestLine(`req-${i + 1}`)}\n`).join("");
}

export async function uploadBatchFile(
  client: OpenAI,
  content: string | Buffer,
  filename = "input.jsonl",
): Promise<OpenAI.FileObject> {
  return client.files.create({ file: await toFile(Buffer.from(content), filename), purpose: "batch" });
}

/** Uploads `content` and creates a batch on it. */
export async function createBatch(
  client: OpenAI,
  content: string,
  endpoint: string = CHAT,
): Promise<OpenAI.Batch> {
  const file = await uploadBatchFile(client, content);
  return client.batches.create({
    input_file_id: file.id,
    endpoint: endpoint as OpenAI.BatchCreateParams["endpoint"],
    completion_window: "24h",
  });
}

/** The lines of a file, parsed. */
export async function fileLines(client: OpenAI, fileId: string): Promise<Record<string, unknown>[]> {
  const text = await (await client.files.content(fileId)).text();
  return text
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The response body of each line of an output file, by custom_id: what a joined record must carry. */
export async function answersById(client: OpenAI, fileId: string): Promise<Map<string, unknown>> {
  return new Map(
    (await fileLines(client, fileId)).map((line) => [
      line.custom_id as string,
      (line.response as { body: unknown }).body,
    ]),
  );
}

/**
 * The custom_ids of a file's lines, sorted as `chatJsonl` numbers its requests (`req-2` before
 * `req-10`): the emulator writes output and error lines in a shuffled order by default.
 */
export async function sortedCustomIds(client: OpenAI, fileId: string): Promise<string[]> {
  return (await fileLines(client, fileId)).map((line) => line.custom_id as string).sort(byRequestNumber);
}

/** Orders `req-N` ids by N, and other ids after them by their text. */
export function byRequestNumber(a: string, b: string): number {
  const number = (id: string) => (/^req-\d+$/.test(id) ? Number(id.slice(4)) : Number.POSITIVE_INFINITY);
  return number(a) - number(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The error an SDK call fails with. */
export async function failure(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof OpenAI.APIError) return error;
    throw error;
  }
  throw new RangeError("expected the call to fail");
}
