#!/usr/bin/env node
/**
 * The entry point of the `pulumi-resource-openai-batch` plugin: serves the provider over gRPC to
 * the Pulumi engine (which passes its address as the argument).
 */
import { resourceDiagnostics } from "../diagnostics";
import { watchEngine } from "../runtime/engine-watchdog";
import { readEmptyPropertiesOnImport } from "./import-read";
import { createPluginProvider } from "./provider";
import { serveProvider } from "./serve";
import { packageVersion } from "./version";

readEmptyPropertiesOnImport();
// The plugin stops once the engine at that address is gone.
watchEngine(process.argv[2]);
// Progress lines and warnings go to the engine at the same address, under each resource's URN.
// Provider arguments arrive with `Configure`, which `serveProvider` hands on (see serve.ts).
void serveProvider(
  createPluginProvider(packageVersion(), resourceDiagnostics(process.argv[2])),
  process.argv.slice(2),
);
