import * as pulumi from "@pulumi/pulumi";

/**
 * A dynamic provider that does nothing: `create` returns an id made of its one input, and every
 * other operation is Pulumi's default. Its methods capture nothing, so its serialized text stays
 * as small as it can be. The floor of the engine's own cost per dynamic resource.
 */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  create: async (inputs: { index: number }) => ({ id: `noop-${inputs.index}`, outs: {} }),
};

/** A dynamic resource that calls nothing and stores nothing: what any dynamic resource costs the engine. */
export class NoopResource extends pulumi.dynamic.Resource {
  constructor(name: string, index: number) {
    super(noopProvider, name, { index }, {});
  }
}
