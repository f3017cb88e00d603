/** The plugin's names: the Pulumi package, its config namespace, and the resource's type token. */
export const PACKAGE_NAME = "openai-batch";
export const CONFIG_NAMESPACE = PACKAGE_NAME;
export const BATCH_RESOURCE_TOKEN = `${PACKAGE_NAME}:index:Batch`;
/** The executable the Pulumi engine runs for the package: `pulumi-resource-<package>`. */
export const PLUGIN_EXECUTABLE = `pulumi-resource-${PACKAGE_NAME}`;
/**
 * Where the engine fetches the plugin when it is not installed: the releases of the repository
 * (package.json's `repository`), whose assets are the archives `npm run plugin:archive` builds.
 */
export const PLUGIN_DOWNLOAD_URL = "github://api.github.com/pulumi-openai-batch/pulumi-openai-batch";
/** The plugin's component that splits any number of requests into batches. */
export const BATCH_SET_RESOURCE_TOKEN = `${PACKAGE_NAME}:index:BatchSet`;
/** The resource that joins a plugin `BatchSet`'s results (a child of the set, not in the schema). */
export const SET_RESULTS_RESOURCE_TOKEN = `${PACKAGE_NAME}:index:BatchSetResults`;
