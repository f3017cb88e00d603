import { createRequire } from "node:module";

/**
 * Requires a module as `@pulumi/pulumi`'s own files see it (`request` relative to the SDK's
 * package folder, e.g. `./proto/engine_pb`, or a package it depends on, e.g. `@grpc/grpc-js`),
 * so that messages and credentials come from the very copies the SDK uses, wherever npm put them.
 *
 * The plugin's single executable has no `node_modules` to resolve in: its build replaces this
 * module with one that maps the same requests to the copies bundled in
 * (`scripts/plugin-archive/sdk-require.bundled.cjs`).
 */
export function requireFromSdk(request: string): unknown {
  return createRequire(require.resolve("@pulumi/pulumi/package.json"))(request);
}
