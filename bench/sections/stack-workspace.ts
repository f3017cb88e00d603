import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, dirname, join } from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { linkedProjectDir } from "../../test/support/repo";
import type { PulumiEngine } from "../lib/pulumi-engine";

/**
 * A throwaway, offline Pulumi workspace: its own PULUMI_HOME, a file:// state backend, and a
 * project directory whose node_modules links @pulumi/pulumi and this package (the dynamic-provider
 * host resolves the provider from there): this checkout, or the package in `packageDir` (an
 * installed copy). `dispose()` removes it all.
 */
export class StackWorkspace {
  private constructor(
    readonly stack: Stack,
    private readonly dirs: string[],
  ) {}

  static async create(
    engine: PulumiEngine,
    projectName: string,
    stackName: string,
    program: PulumiFn,
    packageDir?: string,
  ) {
    const root = mkdtempSync(join(tmpdir(), "bench-stack-"));
    const projectDir = linkedProjectDir("bench-stack-project-", packageDir);
    try {
      for (const dir of ["home", "backend"]) mkdirSync(join(root, dir));
      let cliRoot = dirname(engine.binDir);
      if (basename(engine.binDir) !== "bin") {
        cliRoot = join(root, "cli");
        mkdirSync(join(cliRoot, "bin"), { recursive: true });
        symlinkSync(join(engine.binDir, "pulumi"), join(cliRoot, "bin", "pulumi"));
      }
      const pulumiCommand = await PulumiCommand.get({ root: cliRoot, skipVersionCheck: true });
      const stack = await LocalWorkspace.createOrSelectStack(
        { stackName, projectName, program },
        {
          workDir: projectDir,
          pulumiHome: join(root, "home"),
          pulumiCommand,
          projectSettings: { name: projectName, runtime: "nodejs" },
          envVars: {
            PULUMI_BACKEND_URL: `file://${join(root, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: "bench",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
            PATH: [engine.binDir, process.env.PATH ?? ""].join(delimiter),
          },
        },
      );
      return new StackWorkspace(stack, [root, projectDir]);
    } catch (error) {
      for (const dir of [root, projectDir]) rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  dispose(): void {
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
  }
}
