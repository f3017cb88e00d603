#!/usr/bin/env node
/**
 * The entry point of the `pulumi-resource-openai-batch` plugin: serves the provider over gRPC to
 * the Pulumi engine (which passes its address as the argument).
 */
import { main } from "@pulumi/pulumi/provider";
import { readEmptyPropertiesOnImport } from "./import-read";
import { createPluginProvider } from "./provider";
import { packageVersion } from "./version";

readEmptyPropertiesOnImport();
void main(createPluginProvider(packageVersion()), process.argv.slice(2));
