/**
 * Diagnostics that belong to a resource: progress lines and warnings sent to the Pulumi engine
 * with the resource's URN, so that they appear under the `Batch` rather than under the stack.
 */
export { type DiagnosticSeverity, type DiagnosticSink, engineLog } from "./engine-log";
export { hostEngineAddress, type ResourceDiagnostics, resourceDiagnostics } from "./host";
export { urnOfResourceKey } from "./urn";
