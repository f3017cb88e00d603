/**
 * What `npm pack` ships, checked as a user meets it on the npm page and in node_modules: the
 * manifest's fields, the files in the tarball, links in the README, source maps, and the public
 * declarations. Runs on the build (`npm run build` first, as `npm test` does).
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { REPO_ROOT } from "../support/repo";

interface Manifest {
  name: string;
  version: string;
  engines?: { node?: string };
  repository?: { type?: string; url?: string } | string;
  homepage?: string;
  bugs?: { url?: string } | string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/**
 * Whether an `engines.node` range admits some release of Node.js `major`: each alternative (`||`)
 * is `*`, `>=X`, `^X` or `X` (X a version); any other form fails the test, to be looked at.
 */
function admitsMajor(range: string, major: number): boolean {
  return range.split("||").some((alternative) => {
    const text = alternative.trim();
    if (text === "*" || text === "") return true;
    const match = /^(>=|\^)?\s*(\d+)(?:\.(?:\d+|x))*$/.exec(text);
    if (match === null) throw new Error(`an engines.node alternative of a form not handled here: ${text}`);
    const bound = Number(match[2]);
    return match[1] === ">=" ? bound <= major : bound === major;
  });
}

const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as Manifest;
let shipped: Set<string>;

beforeAll(() => {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  const [info] = JSON.parse(out) as { files: { path: string }[] }[];
  shipped = new Set(info!.files.map((f) => f.path));
}, 60_000);

/** The repository's web address, from `repository.url` (`git+https://github.com/o/r.git` -> `https://github.com/o/r`). */
function repositoryWebUrl(): string {
  const url = typeof manifest.repository === "string" ? manifest.repository : manifest.repository?.url;
  expect(url, "package.json needs repository.url").toBeTypeOf("string");
  return url!.replace(/^git\+/, "").replace(/\.git$/, "");
}

describe("package.json", () => {
  test("names its repository, homepage and issue tracker, consistently", () => {
    const web = repositoryWebUrl();
    expect(web).toMatch(/^https:\/\/github\.com\/[^/]+\/[^/]+$/);
    expect(manifest.homepage).toBe(`${web}#readme`);
    const bugs = typeof manifest.bugs === "string" ? manifest.bugs : manifest.bugs?.url;
    expect(bugs).toBe(`${web}/issues`);
  });

  test("openai is a caret range, and the Node range is the one CI tests (see scripts/ci-matrix.sh)", () => {
    expect(manifest.dependencies?.openai).toMatch(/^\^\d+\.\d+\.\d+$/);
    const matrix = readFileSync(join(REPO_ROOT, "scripts", "ci-matrix.sh"), "utf8");
    const nodes = /^NODE_VERSIONS="([^"]+)"/m.exec(matrix)?.[1]?.split(" ").map(Number);
    expect(nodes).toBeDefined();
    expect(manifest.engines?.node).toBe(`>=${Math.min(...nodes!)}`);
    const lowestPulumi = /^PULUMI_LOWEST="([^"]+)"/m.exec(matrix)?.[1];
    expect(manifest.peerDependencies?.["@pulumi/pulumi"]).toBe(`>=${lowestPulumi} <4`);
    const lowestOpenai = /^OPENAI_LOWEST="([^"]+)"/m.exec(matrix)?.[1];
    expect(manifest.dependencies?.openai).toBe(`^${lowestOpenai}`);
  });

  test("the dev @pulumi/pulumi pin declares the lowest Node.js the package claims, so `npm ci` there does not warn", () => {
    const lowest = /^>=(\d+)$/.exec(manifest.engines?.node ?? "")?.[1];
    expect(lowest, "engines.node is >=<major>").toBeDefined();
    const pin = manifest.devDependencies?.["@pulumi/pulumi"];
    expect(pin, "the dev @pulumi/pulumi is an exact version").toMatch(/^\d+\.\d+\.\d+$/);
    // The lock file, not node_modules: CI cells install other versions over the pinned one.
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, "package-lock.json"), "utf8")) as {
      packages: Record<string, { version?: string; engines?: { node?: string } }>;
    };
    const locked = lock.packages["node_modules/@pulumi/pulumi"];
    expect(locked?.version).toBe(pin);
    const declared = locked?.engines?.node ?? "*";
    expect(
      admitsMajor(declared, Number(lowest)),
      `@pulumi/pulumi ${pin} declares node ${declared}, which leaves out Node.js ${lowest} (engines.node ${manifest.engines?.node}): pin the newest @pulumi/pulumi that declares Node.js ${lowest}, or raise engines.node and the CI matrix`,
    ).toBe(true);
  });

  test.each([
    [">=20", 20, true],
    [">=22", 20, false],
    [">=18.17.0", 20, true],
    ["^20.17.0 || >=22.9.0", 20, true],
    ["^22.0.0 || >=24", 20, false],
    ["20 || >=22", 20, true],
    ["*", 20, true],
  ])("an engines range %j admits Node.js %i: %s", (range, major, admits) => {
    expect(admitsMajor(range, major)).toBe(admits);
  });

  test("the CHANGELOG has a section for the current version", () => {
    const changelog = readFileSync(join(REPO_ROOT, "CHANGELOG.md"), "utf8");
    expect(changelog).toMatch(
      new RegExp(`^## \\[${manifest.version.replace(/\./g, "\\.")}\\] - \\d{4}-\\d{2}-\\d{2}$`, "m"),
    );
  });
});

describe("the tarball", () => {
  test("ships the entry points, the declarations, the docs and the license, and nothing of the tests or tools", () => {
    for (const file of [
      "package.json",
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "dist/provider/index.js",
      "dist/provider/index.d.ts",
      "dist/provider/runtime/index.js",
      "dist/provider/emulator/index.js",
      "dist/provider/cli/main.js",
      "dist/provider/emulator/cli.js",
    ]) {
      expect(shipped, file).toContain(file);
    }
    const stray = [...shipped].filter(
      (f) =>
        !/^(dist\/provider\/|docs\/|[A-Z]+\.md$|LICENSE$|package\.json$|bin\/pulumi-resource-openai-batch$)/.test(
          f,
        ),
    );
    expect(stray).toEqual([]);
  });

  test("source maps are left out, and no shipped script points at one", () => {
    expect([...shipped].filter((f) => f.endsWith(".map"))).toEqual([]);
    const pointing = [...shipped]
      .filter((f) => f.endsWith(".js"))
      .filter((f) => /sourceMappingURL=/.test(readFileSync(join(REPO_ROOT, f), "utf8")));
    expect(pointing).toEqual([]);
  });

  test("every link in the README works on the npm page: to a shipped file, or absolute", () => {
    const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
    const web = repositoryWebUrl();
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) {
      if (link.startsWith("#")) continue;
      if (link.startsWith(`${web}/blob/main/`) || link.startsWith(`${web}/tree/main/`)) {
        // A link into the repository: the file or folder must exist in it.
        const path = link.replace(/^.*?\/(blob|tree)\/main\//, "").replace(/#.*$/, "");
        expect(existsSync(join(REPO_ROOT, path)), `${link} names a path that is not in the repository`).toBe(
          true,
        );
        continue;
      }
      if (/^https?:\/\//.test(link)) continue;
      const path = link.replace(/#.*$/, "").replace(/^\.\//, "");
      expect(shipped.has(path), `README links to ${link}, which the package does not ship`).toBe(true);
    }
  });
});

describe("the declarations", () => {
  const dts = (path: string) => readFileSync(join(REPO_ROOT, "dist", "provider", path), "utf8");

  test("carry nothing marked @internal", () => {
    const marked = [...shipped].filter(
      (f) => f.endsWith(".d.ts") && readFileSync(join(REPO_ROOT, f), "utf8").includes("@internal"),
    );
    expect(marked).toEqual([]);
  });

  test("every output of Batch has a doc comment", () => {
    const text = dts("resource/batch.d.ts");
    const outputs = [...text.matchAll(/^\s*readonly (\w+): pulumi\.Output</gm)];
    expect(outputs.length).toBeGreaterThanOrEqual(21);
    const undocumented = outputs.filter((m) => !/\*\/\s*$/.test(text.slice(0, m.index))).map((m) => m[1]);
    expect(undocumented).toEqual([]);
  });
});
