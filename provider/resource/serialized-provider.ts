import type * as pulumi from "@pulumi/pulumi";
import type { BatchInputs, BatchOutputs } from "../contract";

type Runtime = typeof import("../runtime");

/**
 * The provider object that Pulumi serializes into the state (`__provider`). Each method requires
 * the implementation by package name when it is called and captures nothing, so the serialized
 * text stays tiny, holds no configuration or key, and never changes when the implementation
 * does: upgrading this package updates no batch. The host resolves the package from the Pulumi
 * project's node_modules.
 */
export const serializedProvider: pulumi.dynamic.ResourceProvider<BatchInputs, BatchOutputs> = {
  configure: (req) => (require("pulumi-openai-batch/runtime") as Runtime).provider.configure(req),
  check: (olds, news) => (require("pulumi-openai-batch/runtime") as Runtime).provider.check(olds, news),
  diff: (id, olds, news) => (require("pulumi-openai-batch/runtime") as Runtime).provider.diff(id, olds, news),
  create: (inputs) => (require("pulumi-openai-batch/runtime") as Runtime).provider.create(inputs),
  read: (id, props) => (require("pulumi-openai-batch/runtime") as Runtime).provider.read(id, props),
  update: (id, olds, news) =>
    (require("pulumi-openai-batch/runtime") as Runtime).provider.update(id, olds, news),
  delete: (id, props) => (require("pulumi-openai-batch/runtime") as Runtime).provider.delete(id, props),
};
