/**
 * Loads the modules given with --require and collects the job classes they export (directly, or
 * in an exported array), so schedules can use their queues and class names.
 */
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../../errors.js";
import { isJobClass, type JobClass } from "../../job/job.js";

export async function requireJobModules(specifiers: readonly string[], cwd = process.cwd()): Promise<JobClass[]> {
  const jobs: JobClass[] = [];
  for (const specifier of specifiers) {
    // Paths are relative to the working directory; anything else is a package name.
    const target = /^\.{0,2}\//.test(specifier) || /\.[cm]?[jt]s$/.test(specifier) ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
    let exports: Record<string, unknown>;
    try {
      exports = (await import(target)) as Record<string, unknown>;
    } catch (error) {
      const hint = /\.[cm]?ts$/.test(specifier) ? " (TypeScript modules need a loader: NODE_OPTIONS='--import tsx')" : "";
      throw new ConfigurationError(`--require ${specifier}: cannot load it${hint}: ${(error as Error).message}`);
    }
    const found = Object.values(exports).flatMap((value) => (Array.isArray(value) ? value : [value])).filter(isJobClass);
    if (found.length === 0) throw new ConfigurationError(`--require ${specifier}: the module exports no job classes (classes extending Job).`);
    jobs.push(...new Set(found));
  }
  return jobs;
}
