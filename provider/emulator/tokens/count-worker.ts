import { parentPort } from "node:worker_threads";
import type { TiktokenEncodingName } from "./encoding";
import { countTexts } from "./tiktoken-count";

/** A request to the counting thread: the texts to count in an encoding. */
export interface CountMessage {
  id: number;
  encoding: TiktokenEncodingName;
  texts: string[];
}

/** Its answer: the tokens of each text, or why they could not be counted. */
export type CountAnswer = { id: number; tokens: number[] } | { id: number; error: string };

parentPort?.on("message", (message: CountMessage) => {
  let answer: CountAnswer;
  try {
    answer = { id: message.id, tokens: countTexts(message.encoding, message.texts) };
  } catch (error) {
    answer = { id: message.id, error: (error as Error).message };
  }
  parentPort?.postMessage(answer);
});
