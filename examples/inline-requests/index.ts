import * as pulumi from "@pulumi/pulumi";
import { Batch } from "pulumi-openai-batch";

/**
 * A chat-completions batch whose requests are written inline in the program. `pulumi preview`
 * validates every request line; `pulumi up` uploads them and creates the batch.
 */
export = async () => {
  const config = new pulumi.Config();
  const model = config.get("model") ?? "gpt-4o-mini";
  const questions = [
    "In one sentence, what is a batch job?",
    "Name three things that make infrastructure as code reviewable.",
    "What does idempotent mean for an API call?",
    "Why would someone cancel a long-running job instead of waiting for it?",
  ];

  const batch = new Batch("questions", {
    endpoint: "/v1/chat/completions",
    requests: questions.map((question, index) => ({
      custom_id: `question-${index + 1}`,
      body: { model, messages: [{ role: "user", content: question }], max_tokens: 200 },
    })),
    metadata: { example: "inline-requests" },
    waitForCompletion: config.getBoolean("waitForCompletion") ?? true,
    waitTimeoutSeconds: config.getNumber("waitTimeoutSeconds") ?? 3600,
    pollIntervalSeconds: config.getNumber("pollIntervalSeconds") ?? 30,
  });

  return {
    batchId: batch.id,
    status: batch.status,
    requestCounts: batch.requestCounts,
    inputFileId: batch.inputFileId,
    outputFileId: batch.outputFileId,
    inputSha256: batch.inputSha256,
  };
};
