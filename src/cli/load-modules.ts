/**
 * `--require <module>`: imports application modules and collects what they export: job classes
 * (registered with the worker) and a configured Resque instance (used instead of a new one).
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
    // `export default { JobA, JobB }` and namespace objects one level deep.
    for (const inner of Object.values(value)) collect(inner, found, depth + 1);
  }
}

export async function loadModules(specifiers: readonly string[], cwd = process.cwd()): Promise<LoadedModules> {
  const found: LoadedModules = { jobs: [], resque: undefined };
  for (const specifier of specifiers) {
    const isPath = specifier.startsWith(".") || isAbsolute(specifier);
    const target = isPath ? pathToFileURL(resolve(cwd, specifier)).href : specifier;
    let module: Record<string, unknown>;
    try {
      module = (await import(target)) as Record<string, unknown>;
    } catch (error) {
      const hint = /\.ts$/.test(specifier) ? " (TypeScript modules need a loader: run with node --import tsx)" : "";
      throw new ConfigurationError(`Cannot load --require ${specifier}${hint}: ${(error as Error).message}`);
    }
    for (const value of Object.values(module)) collect(value, found);
  }
  return found;
}
