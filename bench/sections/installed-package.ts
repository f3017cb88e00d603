import { join } from "node:path";
import { extractPackedPackage } from "../../test/support/packed-package";

type PackageModule = typeof import("../../provider/index");

/** This package as users get it, packed and installed under a `node_modules` folder. */
export interface InstalledPackage {
  /** The package's directory, `<root>/node_modules/pulumi-openai-batch`. */
  dir: string;
  /** The package's main module, loaded from `dir`. */
  module: PackageModule;
}

/**
 * Packs this package (`npm pack`, from the build the bench runs), extracts it under
 * `<root>/node_modules` and loads it. A program that declares its resources with these classes
 * writes the state users get: Pulumi serializes the provider of an installed package as a
 * `require` of it, and a linked checkout's by value.
 */
export function installPackage(root: string): InstalledPackage {
  const dir = extractPackedPackage(join(root, "installed"));
  return { dir, module: require(dir) as PackageModule };
}
