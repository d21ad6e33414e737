/**
 * `--require <module>` (resque work, resque-scheduler): imports application modules and collects
 * what they export — job classes (directly, in an exported array, or in an exported object) and
 * a configured Resque instance (used instead of a new one).
 */
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../errors.js";
import { isJobClass, type JobClass } from "../job/job.js";
import { Resque } from "../resque.js";

export interface LoadedModules {
  jobs: JobClass[];
  resque: Resque | undefined;
}

function collect(value: unknown, found: LoadedModules, depth = 0): void {
  if (isJobClass(value)) {
    if (!found.jobs.includes(value)) found.jobs.push(value);
  } else if (value instanceof Resque) {
    found.resque ??= value;
  } else if (depth === 0 && value && typeof value === "object") {
    // `export const jobs = [A, B]`, `export default { A, B }`: one level deep.
    for (const inner of Object.values(value)) collect(inner, found, depth + 1);
  }
}

/** Paths are relative to the working directory; anything else is a package name. */
function importTarget(specifier: string, cwd: string): string {
  const isPath = /^\.{1,2}\//.test(specifier) || isAbsolute(specifier) || /\.[cm]?[jt]s$/.test(specifier);
  return isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
}

export async function loadModules(specifiers: readonly string[], cwd = process.cwd()): Promise<LoadedModules> {
  const found: LoadedModules = { jobs: [], resque: undefined };
  for (const specifier of specifiers) {
    let module: Record<string, unknown>;
    try {
      module = (await import(importTarget(specifier, cwd))) as Record<string, unknown>;
    } catch (error) {
      const hint = /\.[cm]?ts$/.test(specifier) ? " (TypeScript modules need a loader: run with node --import tsx)" : "";
      throw new ConfigurationError(`Cannot load --require ${specifier}${hint}: ${(error as Error).message}`);
    }
    const before = found.jobs.length;
    const hadResque = found.resque !== undefined;
    for (const value of Object.values(module)) collect(value, found);
    if (found.jobs.length === before && (hadResque || found.resque === undefined)) {
      throw new ConfigurationError(`--require ${specifier}: the module exports no job classes (classes extending Job) and no Resque instance.`);
    }
  }
  return found;
}

/** The Resque instance a module exported, or a new one; either way with every loaded job registered. */
export function resqueFor(loaded: LoadedModules, create: () => Resque): Resque {
  const resque = loaded.resque ?? create();
  for (const job of loaded.jobs) if (!resque.registry.get(job.jobName ?? job.name)) resque.register(job);
  return resque;
}
