import * as pulumi from "@pulumi/pulumi";
import { Batch } from "pulumi-openai-batch";

/**
 * A batch read from a JSONL file next to the program. `pulumi up` waits until the batch has
 * finished, so `outputFileId` is there for whatever comes next in the pipeline. Editing the
 * file's content replaces the batch; moving the file without changing it does not.
 */
export = async () => {
  const config = new pulumi.Config();
  const batch = new Batch("summaries", {
    endpoint: "/v1/chat/completions",
    inputFile: config.get("inputFile") ?? "requests.jsonl",
    metadata: { example: "jsonl-file-wait" },
    waitForCompletion: true,
    waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds") ?? 86400,
    pollIntervalSeconds: config.getNumber("pollIntervalSeconds") ?? 60,
  });

  return {
    batchId: batch.id,
    status: batch.status,
    outputFileId: batch.outputFileId,
    errorFileId: batch.errorFileId,
    requestCounts: batch.requestCounts,
    inputSha256: batch.inputSha256,
  };
};
