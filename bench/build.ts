/**
 * The benchmark measures resque-ts as users run it: the built package in dist/ (tsup), not the
 * TypeScript sources through tsx, whose transform wraps every function in a naming helper.
 * Builds dist/ first when it is missing or older than a file in src/.
 */
import { execFileSync } from "node:child_process";
import { buildSync } from "esbuild";
import { existsSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const DIST_ENTRY = join(root, "dist/index.js");

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Whether the adapters load resque-ts from src/ (BENCH_RESQUE_TS=source, for profiling) or dist/. */
export function fromSource(): boolean {
  return process.env.BENCH_RESQUE_TS === "source";
}

/** Each resque-ts entry point the benchmarks load, built and as source. */
const ENTRIES = {
  index: { dist: "dist/index.js", source: "src/index.ts" },
  web: { dist: "dist/web.js", source: "src/web/index.ts" },
};

/**
 * Imports a resque-ts entry point ("index" = `resque-ts`, "web" = `resque-ts/web`) as the
 * benchmarks measure it: from dist/, or from src/ with BENCH_RESQUE_TS=source.
 */
export async function importResqueTs(entry: keyof typeof ENTRIES): Promise<unknown> {
  const file = fromSource() ? ENTRIES[entry].source : ENTRIES[entry].dist;
  return import(pathToFileURL(join(root, file)).href);
}

export function ensureBuilt(log: (message: string) => void): void {
  if (fromSource()) return;
  if (existsSync(DIST_ENTRY) && statSync(DIST_ENTRY).mtimeMs >= newestMtime(join(root, "src"))) return;
  log("building dist/ (npm run build) so resque-ts is measured as shipped");
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}

/**
 * Compiles the worker process (bench/worker-process.ts and the adapters) to plain JavaScript in
 * .bench-out/, one chunk per adapter, the libraries left as imports. The worker processes run it
 * with plain node: tsx's loader in a worker process cost ~25 MB of RSS in every library alike,
 * which S5 would count as the library's. The folder sits one level below the root so that
 * `new URL("../", import.meta.url)` in the compiled chunks still names the root. Returns the
 * compiled entry's path.
 */
export function buildWorkerProcess(): string {
  const outdir = join(root, ".bench-out");
  rmSync(outdir, { recursive: true, force: true });
  buildSync({
    entryPoints: [join(root, "bench/worker-process.ts")],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    packages: "external",
    outExtension: { ".js": ".mjs" },
    logLevel: "error",
  });
  return join(outdir, "worker-process.mjs");
}
