import * as pulumi from "@pulumi/pulumi";
import { Batch } from "pulumi-openai-batch";

/**
 * An embeddings batch built from data in the program: one request per document. The endpoint,
 * model and inputs are checked at preview time, including the limit of 50,000 embedding inputs.
 */
export = async () => {
  const config = new pulumi.Config();
  const model = config.get("model") ?? "text-embedding-3-small";
  const documents: Record<string, string> = {
    "doc-intro": "Batches run asynchronously at a lower price than single requests.",
    "doc-limits": "A batch holds up to 50,000 requests and its input file up to 200 MB.",
    "doc-output": "Results arrive in an output file, one JSON line per request.",
  };

  const batch = new Batch("embeddings", {
    endpoint: "/v1/embeddings",
    // Each line is { custom_id, body }: method and url default to "POST" and the endpoint.
    requests: Object.entries(documents).map(([id, text]) => ({
      custom_id: id,
      body: { model, input: text },
    })),
    metadata: { example: "embeddings" },
    waitForCompletion: config.getBoolean("waitForCompletion") ?? false,
  });

  return { batchId: batch.id, status: batch.status, outputFileId: batch.outputFileId, model: batch.model };
};
