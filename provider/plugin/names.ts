/** The plugin's names: the Pulumi package, its config namespace, and the resource's type token. */
export const PACKAGE_NAME = "openai-batch";
export const CONFIG_NAMESPACE = PACKAGE_NAME;
export const BATCH_RESOURCE_TOKEN = `${PACKAGE_NAME}:index:Batch`;
/** The executable the Pulumi engine runs for the package: `pulumi-resource-<package>`. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PACKAGE_NAME}`;
