// The single executable's stand-in for provider/diagnostics/sdk-require: it has no node_modules
// to resolve in, so each request the package makes of @pulumi/pulumi's copies maps to the module
// bundled in. A request not listed here is a build error of the plugin, said as such.
const modules = {
  "@grpc/grpc-js": () => require("@grpc/grpc-js"),
  "google-protobuf/google/protobuf/struct_pb": () => require("google-protobuf/google/protobuf/struct_pb"),
  "./proto/engine_grpc_pb": () => require("@pulumi/pulumi/proto/engine_grpc_pb"),
  "./proto/engine_pb": () => require("@pulumi/pulumi/proto/engine_pb"),
  "./proto/provider_pb": () => require("@pulumi/pulumi/proto/provider_pb"),
  "./proto/provider_grpc_pb": () => require("@pulumi/pulumi/proto/provider_grpc_pb"),
};

exports.requireFromSdk = (request) => {
  const load = modules[request];
  if (load === undefined) {
    throw new RangeError(
      `the plugin's executable does not bundle ${request}; add it to scripts/plugin-archive/sdk-require.bundled.cjs`,
    );
  }
  return load();
};
