import { isAbsolute, relative } from "node:path";

/**
 * How a child `Batch` of a set is given a file of the set's: relative to the project when the
 * file is inside it and the project's directory is known (the Pulumi CLI passed it, and the
 * provider runs there), otherwise absolute. An inline program of the Automation API runs in its
 * caller's working directory, which need not be the `workDir` the provider runs in.
 */
export function childPath(root: string, file: string, rootFromEngine: boolean): string {
  if (!rootFromEngine) return file;
  const inside = relative(root, file);
  return inside.startsWith("..") || isAbsolute(inside) ? file : inside;
}
