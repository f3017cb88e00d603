import * as pulumi from "@pulumi/pulumi";
import { Batch } from "pulumi-openai-batch";

/**
 * Brings a batch that was created elsewhere into a stack, read-only, with `Batch.get`.
 * (`pulumi import` cannot import dynamic resources.) Pulumi reads the batch on every `up` and
 * `refresh`, and never cancels it.
 */
export = async () => {
  const config = new pulumi.Config();
  const batch = Batch.get("adopted", config.require("batchId"));
  return {
    status: batch.status,
    endpoint: batch.endpoint,
    outputFileId: batch.outputFileId,
    requestCounts: batch.requestCounts,
  };
};
