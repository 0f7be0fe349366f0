import assert from "node:assert/strict";
import { type SpawnSyncReturns, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve, sep } from "node:path";
import { after, before, describe, test } from "node:test";
import { repoRoot, withoutDebug } from "./_support/runVmid.js";
import { WORKED_EVENTS, WORKED_FILE, WORKED_OUTPUT } from "./_support/workedTrace.js";

/*
 * The package as a user gets it: `npm pack` into a temporary folder, the tarball installed
 * into a temporary project, then the installed `vmid` command and the library used from
 * there. The project installs with `npm ci --offline`: its lock file takes vmid's
 * dependencies from this repository's lock, so every tarball is already in npm's cache
 * (`npm ci` put it there) and nothing is fetched. Needs `npm run build` first (`npm test`
 * does it).
 */

/** npm's variables from the `npm test` that runs us, minus those that name this repository. */
function npmEnv(): NodeJS.ProcessEnv {
  const env = withoutDebug();
  // `npm run` exports npm_config_local_prefix (this repository), npm_package_json and
  // INIT_CWD: a child npm would take this repository for its project. Keep only where the
  // cache and the configuration files are.
  const keep = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig"]);
  for (const name of Object.keys(env)) {
    if (/^npm_/i.test(name) && !keep.has(name.toLowerCase())) delete env[name];
  }
  delete env.INIT_CWD;
  return env;
}

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: npmEnv(),
    timeout: 120_000,
  });
  if (result.error !== undefined) throw result.error;
  return result;
}

function assertRan(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(result.signal, null, `${what}: killed by ${result.signal}`);
  assert.equal(result.status, 0, `${what}: exit ${result.status}\n${result.stderr}`);
}

interface PackResult {
  readonly filename: string;
  readonly integrity: string;
  readonly files: readonly { readonly path: string }[];
}

interface LockEntry {
  readonly dev?: boolean;
  readonly link?: boolean;
  readonly [field: string]: unknown;
}

/**
 * A lock file for a project that depends on the tarball only: vmid's own entry, then every
 * entry of this repository's lock that is not a development dependency (vmid's dependencies
 * and theirs, at the same places in node_modules).
 */
function projectLock(tarball: string, pack: PackResult): object {
  const manifest = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  const repoLock = JSON.parse(readFileSync(join(repoRoot, "package-lock.json"), "utf8"));
  const packages: Record<string, unknown> = {
    "": { name: "vmid-package-test", dependencies: { vmid: `file:${tarball}` } },
    "node_modules/vmid": {
      version: manifest.version,
      resolved: `file:${tarball}`,
      integrity: pack.integrity,
      license: manifest.license,
      dependencies: manifest.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [path, entry] of Object.entries(repoLock.packages as Record<string, LockEntry>)) {
    if (path === "" || entry.dev === true || entry.link === true) continue;
    const { devOptional: _devOptional, ...kept } = entry;
    packages[path] = kept;
  }
  return { name: "vmid-package-test", lockfileVersion: 3, requires: true, packages };
}

/** Markdown's relative link targets (inline, reference and `<img src>`), code left out. */
function relativeLinks(markdown: string): string[] {
  const text = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, "").replace(/`[^`\n]*`/g, "");
  const targets = [
    ...[...text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)].map((m) => m[1]),
    ...[...text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?([^\s>]+)/gm)].map((m) => m[1]),
    ...[...text.matchAll(/<img\s[^>]*src="([^"]+)"/g)].map((m) => m[1]),
  ];
  return targets
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target) && !target.startsWith("#"))
    .map((target) => decodeURIComponent(target.split("#")[0]));
}

/** Every file under `dir` whose name ends with `suffix`, as absolute paths. */
function filesEndingWith(dir: string, suffix: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(suffix))
    .map((name) => join(dir, name));
}

/** The installed package's files as paths relative to it, `/`-separated. */
function packagePath(installed: string, file: string): string {
  return file
    .slice(installed.length + 1)
    .split(sep)
    .join("/");
}

// Run from the temporary project: CPU 1's events go to a worker thread with its own
// allocator over a view of the same shared memory; the rest run here.
const CHECK_SCRIPT = `import { once } from "node:events";
import { Worker } from "node:worker_threads";
import { createAllocator, createAllocatorOver, createSharedMemory, VmidInputError } from "vmid";

const events = JSON.parse(process.argv[2]);
const header = Object.fromEntries(
  events.filter((e) => e.startsWith("bits ") || e.startsWith("cpus ")).map((e) => e.split(" ")),
);
const bits = Number(header.bits);
const cpus = Number(header.cpus);
const steps = events.filter((e) => e.startsWith("run ") || e.startsWith("put ")).map((e) => e.split(" "));

const plainLines = [];
const plain = createAllocator({ bits, cpus, onFlush: (g) => plainLines.push("flush " + g.toString(16)) });
for (const [kind, cpu, vm] of steps) {
  if (kind === "run") plainLines.push(cpu + " " + vm + " " + plain.update(Number(cpu), Number(vm)).toString(16));
  else plain.clearActive(Number(cpu));
}

const sharedLines = [];
const memory = createSharedMemory(bits, cpus, 8);
const here = createAllocatorOver(memory, { onFlush: (g) => sharedLines.push("flush " + g.toString(16)) });
const worker = new Worker(new URL("./cpu1.mjs", import.meta.url), {
  workerData: { buffer: memory.buffer, layout: memory.layout },
});
for (const step of steps) {
  const [kind, cpu, vm] = step;
  if (cpu === "1") {
    worker.postMessage(step);
    const [lines] = await once(worker, "message");
    sharedLines.push(...lines);
  } else if (kind === "run") {
    sharedLines.push(cpu + " " + vm + " " + here.update(Number(cpu), Number(vm)).toString(16));
  } else {
    here.clearActive(Number(cpu));
  }
}
await worker.terminate();

let inputError = "nothing thrown";
try {
  createAllocator({ bits: 2, cpus: 3 });
} catch (error) {
  inputError = error instanceof VmidInputError ? "VmidInputError" : String(error);
}
const deepImport = await import("vmid/dist/src/mem/sharedMemory.js").then(
  () => "imported",
  (error) => error.code,
);
const rolloversSeenHere = here.counters.rollovers;
console.log(JSON.stringify({
  plain: plainLines.join("\\n") + "\\n",
  shared: sharedLines.join("\\n") + "\\n",
  rolloversSeenHere,
  inputError,
  deepImport,
}));
`;

const WORKER_SCRIPT = `import { parentPort, workerData } from "node:worker_threads";
import { createAllocatorOver, sharedMemoryView } from "vmid";

let lines = [];
const view = sharedMemoryView(workerData.buffer, workerData.layout);
const allocator = createAllocatorOver(view, { onFlush: (g) => lines.push("flush " + g.toString(16)) });
parentPort.on("message", ([kind, cpu, vm]) => {
  lines = [];
  if (kind === "run") lines.push(cpu + " " + vm + " " + allocator.update(Number(cpu), Number(vm)).toString(16));
  else allocator.clearActive(Number(cpu));
  parentPort.postMessage(lines);
});
`;

describe("the packed package, installed", { timeout: 180_000 }, () => {
  let temp = "";
  let project = "";
  let installed = "";
  let pack: PackResult;

  before(() => {
    temp = mkdtempSync(join(tmpdir(), "vmid-e2e-package-"));
    const packed = run(
      "npm",
      ["pack", "--json", "--ignore-scripts", "--pack-destination", temp],
      repoRoot,
    );
    assertRan(packed, "npm pack");
    [pack] = JSON.parse(packed.stdout) as PackResult[];
    project = join(temp, "project");
    installed = join(project, "node_modules", "vmid");
    mkdirSync(project);
    const tarball = `../${pack.filename}`;
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "vmid-package-test",
        private: true,
        type: "module",
        dependencies: { vmid: `file:${tarball}` },
      }),
    );
    writeFileSync(join(project, "package-lock.json"), JSON.stringify(projectLock(tarball, pack)));
    const installing = run(
      "npm",
      ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", project],
      project,
    );
    assertRan(installing, "npm ci --offline in the temporary project (run npm ci here first)");
  });

  after(() => {
    if (temp !== "") rmSync(temp, { recursive: true, force: true });
  });

  test("the tarball holds the build, the sources, the docs and the example; no tests", () => {
    const paths = pack.files.map((file) => file.path);
    for (const path of [
      "dist/src/index.js",
      "dist/src/index.d.ts",
      "dist/src/cli/main.js",
      "dist/src/report/client.bundle.js",
      "src/index.ts",
      "docs/study.md",
      WORKED_FILE,
      "README.md",
      "LICENSE",
    ]) {
      assert.ok(paths.includes(path), `${path} is not in the tarball`);
    }
    const strays = paths.filter((path) => /^(dist\/)?(test|bench)\//.test(path));
    assert.deepEqual(strays, []);
  });

  test("every source map's sources are in the installed package", () => {
    const maps = filesEndingWith(join(installed, "dist"), ".map");
    assert.ok(maps.length > 0, "no source maps");
    const missing: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(readFileSync(map, "utf8"));
      for (const source of sources as string[]) {
        const file = resolve(dirname(map), sourceRoot ?? "", source);
        if (!file.startsWith(installed + sep) || !existsSync(file)) {
          missing.push(`${packagePath(installed, map)} -> ${source}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  test("the installed vmid command replays the shipped example", () => {
    const result = run(
      join(project, "node_modules", ".bin", "vmid"),
      ["replay", WORKED_FILE],
      installed,
    );
    assertRan(result, "vmid replay");
    assert.equal(result.stderr, "");
    assert.equal(result.stdout, WORKED_OUTPUT);
  });

  test("ESM import by name: the worked trace through createAllocator, and with CPU 1 on a worker over shared memory", () => {
    writeFileSync(join(project, "check.mjs"), CHECK_SCRIPT);
    writeFileSync(join(project, "cpu1.mjs"), WORKER_SCRIPT);
    const result = run(process.execPath, ["check.mjs", JSON.stringify(WORKED_EVENTS)], project);
    assertRan(result, "node check.mjs");
    assert.equal(result.stderr, "");
    const outcome = JSON.parse(result.stdout);
    assert.equal(outcome.plain, WORKED_OUTPUT);
    // The same ids with CPU 1's updates made by another thread's allocator: its second
    // `run 1 2` finds the reservation that this thread's rollover (`run 0 4`) left in the
    // shared memory.
    assert.equal(outcome.shared, WORKED_OUTPUT);
    assert.equal(outcome.rolloversSeenHere, 1);
    // 2^2 - 1 = 3 usable ids for 3 CPUs: refused.
    assert.equal(outcome.inputError, "VmidInputError");
    // Only the entry point is exported.
    assert.equal(outcome.deepImport, "ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  test("every relative link of the shipped Markdown (README, CHANGELOG, docs) names a shipped file", () => {
    const documents = [
      join(installed, "README.md"),
      join(installed, "CHANGELOG.md"),
      ...(existsSync(join(installed, "docs"))
        ? filesEndingWith(join(installed, "docs"), ".md")
        : []),
    ];
    const readmeLinks = relativeLinks(readFileSync(join(installed, "README.md"), "utf8"));
    assert.ok(readmeLinks.includes("docs/study.md"), "the README's links were not found");
    const dead: string[] = [];
    for (const document of documents) {
      for (const link of relativeLinks(readFileSync(document, "utf8"))) {
        const target = resolve(dirname(document), link);
        if (!target.startsWith(installed + sep) || !existsSync(target)) {
          dead.push(`${packagePath(installed, document)}: ${link}`);
        }
      }
    }
    assert.deepEqual(dead, []);
  });
});
