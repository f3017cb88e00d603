import type { BatchRequestLine } from "../../provider/contract";
import { CHAT_ENDPOINT, CHAT_MODEL } from "./request-line";

/** A few short chat requests: the inline input of the per-operation and stack figures. */
export function smallRequests(count: number, tag: string): BatchRequestLine[] {
  return Array.from({ length: count }, (_, index) => ({
    custom_id: `${tag}-${index}`,
    method: "POST" as const,
    url: CHAT_ENDPOINT,
    body: { model: CHAT_MODEL, messages: [{ role: "user", content: `Say hello to number ${index}.` }] },
  }));
}
