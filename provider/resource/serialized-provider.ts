import type * as pulumi from "@pulumi/pulumi";
import type { BatchInputs, BatchOutputs } from "../contract";

type Runtime = typeof import("../runtime");

/**
 * The provider object that Pulumi serializes into the state (`__provider`). It is this module's
 * whole export, at a path the package exports (`pulumi-openai-batch/dist/provider/resource/
 * serialized-provider.js`), so that when the package is installed under `node_modules` Pulumi's
 * closure serializer stores a one-line `require(...)` of this module instead of the methods. That
 * text holds no configuration or key and never changes when the implementation does: upgrading
 * this package updates no batch. The module must therefore stay where it is.
 *
 * Where the package is not under `node_modules` (a linked checkout, a bundled program), the
 * serializer writes the methods out instead. Each requires the implementation by package name
 * when it is called and captures nothing, so that text too holds no configuration or key, and is
 * the text earlier releases wrote. The host resolves the package from the Pulumi project's
 * node_modules.
 */
const serializedProvider: pulumi.dynamic.ResourceProvider<BatchInputs, BatchOutputs> = {
  configure: (req) => (require("pulumi-openai-batch/runtime") as Runtime).provider.configure(req),
  check: (olds, news) => (require("pulumi-openai-batch/runtime") as Runtime).provider.check(olds, news),
  diff: (id, olds, news) => (require("pulumi-openai-batch/runtime") as Runtime).provider.diff(id, olds, news),
  create: (inputs) => (require("pulumi-openai-batch/runtime") as Runtime).provider.create(inputs),
  read: (id, props) => (require("pulumi-openai-batch/runtime") as Runtime).provider.read(id, props),
  update: (id, olds, news) =>
    (require("pulumi-openai-batch/runtime") as Runtime).provider.update(id, olds, news),
  delete: (id, props) => (require("pulumi-openai-batch/runtime") as Runtime).provider.delete(id, props),
};

export = serializedProvider;
