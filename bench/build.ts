/**
 * The benchmark measures resque-ts as users run it: the built package in dist/ (tsup), not the
 * TypeScript sources through tsx, whose transform wraps every function in a naming helper.
 * Builds dist/ first when it is missing or older than a file in src/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
export const DIST_ENTRY = join(root, "dist/index.js");

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

export function ensureBuilt(log: (message: string) => void): void {
  if (fromSource()) return;
  if (existsSync(DIST_ENTRY) && statSync(DIST_ENTRY).mtimeMs >= newestMtime(join(root, "src"))) return;
  log("building dist/ (npm run build) so resque-ts is measured as shipped");
  execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
}
