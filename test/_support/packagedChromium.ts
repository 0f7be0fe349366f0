import { execFile } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { promisify } from "node:util";

/** The headless Chromium shipped inside the `@sparticuz/chromium` devDependency, unpacked. */
export interface PackagedChromium {
  /** The package's version, e.g. `143.0.4`. */
  readonly packageVersion: string;
  /** The unpacked `chromium` executable. */
  readonly executablePath: string;
  /**
   * The environment to launch it with: the package's own shared libraries (nss, nspr, expat)
   * first on `LD_LIBRARY_PATH`, and a fontconfig file naming the package's own fonts.
   */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * Run by a child node whose `TMPDIR` is the folder to fill. `inflate` is the package's own
 * unpacker (`build/esm/lambdafs.js`, not in its exports map, so imported by path; the version
 * is pinned to the 143 line, and what it must unpack is checked below). It unpacks
 * each archive under `os.tmpdir()` (`chromium`, `fonts/`, `al2023/lib/`, swiftshader's
 * libraries), so a child with its own `TMPDIR` unpacks into our folder, not into `/tmp`.
 */
const INFLATE_SCRIPT =
  "const { inflate } = await import(process.argv[1]);" +
  "await Promise.all(process.argv.slice(2).map((archive) => inflate(archive)));";

const ARCHIVES = ["chromium.br", "fonts.tar.br", "al2023.tar.br", "swiftshader.tar.br"];

function escapeXml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/**
 * A fontconfig file that names only the package's fonts. The package's own `fonts.conf`
 * names `/tmp/fonts`, which is wrong under another `TMPDIR` and in our cache folder.
 */
function fontsConf(folder: string): string {
  return `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${escapeXml(join(folder, "fonts"))}</dir>
  <cachedir>${escapeXml(join(folder, "fonts-cache"))}</cachedir>
</fontconfig>
`;
}

/**
 * Unpacks the Chromium of `@sparticuz/chromium` (x64 Linux, glibc) once per package version
 * into `node_modules/.cache/vmid-test-browser/sparticuz-chromium-<version>/` and returns how
 * to launch it. It needs no install script and no download: the browser, its fonts and the
 * libraries a bare machine may lack (nss, nspr, expat) are all inside the package.
 *
 * Safe when several test processes ask at once: each unpacks into a fresh staging folder and
 * renames it into place; the first rename wins and the others use its result.
 */
export async function packagedChromium(): Promise<PackagedChromium> {
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new Error(
      `@sparticuz/chromium ships Chromium for x64 Linux only (this is ${process.platform} ` +
        `${process.arch}): set CHROMIUM_PATH to a Chromium`,
    );
  }
  // build/esm/index.js -> the package's folder (its package.json is not in its exports map).
  const entry = fileURLToPath(import.meta.resolve("@sparticuz/chromium"));
  const packageRoot = join(dirname(entry), "..", "..");
  const packageJson = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as {
    version: string;
  };
  const packageVersion = packageJson.version;
  const cacheRoot = join(packageRoot, "..", "..", ".cache", "vmid-test-browser");
  const folder = join(cacheRoot, `sparticuz-chromium-${packageVersion}`);
  if (!existsSync(folder)) {
    mkdirSync(cacheRoot, { recursive: true });
    const staging = mkdtempSync(join(cacheRoot, `.unpacking-${packageVersion}-`));
    try {
      const inflate = pathToFileURL(join(dirname(entry), "lambdafs.js")).href;
      const archives = ARCHIVES.map((name) => join(packageRoot, "bin", name));
      await promisify(execFile)(
        process.execPath,
        ["--input-type=module", "-e", INFLATE_SCRIPT, "--", inflate, ...archives],
        { env: { ...process.env, TMPDIR: staging } },
      );
      for (const unpacked of ["chromium", "fonts", join("al2023", "lib")]) {
        if (!existsSync(join(staging, unpacked))) {
          throw new Error(`@sparticuz/chromium ${packageVersion}: ${unpacked} not unpacked`);
        }
      }
      writeFileSync(join(staging, "vmid-fonts.conf"), fontsConf(join(folder, "fonts")));
      try {
        renameSync(staging, folder);
      } catch (error) {
        // Another process renamed its complete copy into place first: use that one.
        if (!existsSync(folder)) throw error;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  const libraries = join(folder, "al2023", "lib");
  const inherited = process.env.LD_LIBRARY_PATH;
  return {
    packageVersion,
    executablePath: join(folder, "chromium"),
    env: {
      LD_LIBRARY_PATH: inherited ? `${libraries}:${inherited}` : libraries,
      FONTCONFIG_FILE: join(folder, "vmid-fonts.conf"),
    },
  };
}
