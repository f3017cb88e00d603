// Runs inside a project where pulumi-openai-batch is installed from its tarball. Registers one
// Batch under Pulumi's mocks, so that dynamic.Resource serializes the provider exactly as in a
// real program, and prints what was registered.
const pulumi = require("@pulumi/pulumi");

let registered;
pulumi.runtime
  .setMocks(
    {
      newResource(args) {
        registered = args.inputs;
        return { id: "batch_1", state: args.inputs };
      },
      call: () => ({}),
    },
    "serialization",
    "test",
    false,
  )
  .then(() => {
    const { Batch } = require("pulumi-openai-batch");
    const batch = new Batch("b", { endpoint: "/v1/embeddings", inputFileId: "file-1" });
    batch.id.apply(() => {
      process.stdout.write(JSON.stringify({ provider: registered.__provider }));
    });
  });
