/**
 * `--require <module>` (resque work, resque-scheduler): imports application modules and collects
 * what they export — job classes (directly, in an exported array, or in an exported object) and
 * a configured Resque instance (used instead of a new one).
 */
import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigurationError } from "../errors.js";
import { isJobClass, type JobClass } from "../job/job.js";
import { Resque } from "../resque.js";
import { decoratorHint } from "./decorator-hint.js";

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

const isTypeScript = (specifier: string) => /\.[cm]?ts$/.test(specifier);

/** A file path for paths (relative to the working directory), undefined for package names. */
function filePath(specifier: string, cwd: string): string | undefined {
  const isPath = /^\.{1,2}\//.test(specifier) || isAbsolute(specifier) || /\.[cm]?[jt]s$/.test(specifier);
  return isPath ? resolve(cwd, specifier) : undefined;
}

/**
 * Registers tsx's loader (what `node --import tsx` does) from the application's own
 * node_modules, so `--require ./jobs.ts` works without a flag. False when tsx is not installed.
 */
async function registerTsx(cwd: string): Promise<boolean> {
  let loader: string;
  try {
    loader = createRequire(join(cwd, "package.json")).resolve("tsx");
  } catch {
    return false;
  }
  await import(pathToFileURL(loader).href);
  return true;
}

async function importModule(specifier: string, cwd: string): Promise<Record<string, unknown>> {
  const path = filePath(specifier, cwd);
  const target = path === undefined ? specifier : pathToFileURL(path).href;
  try {
    return (await import(target)) as Record<string, unknown>;
  } catch (error) {
    const unknownExtension = (error as NodeJS.ErrnoException).code === "ERR_UNKNOWN_FILE_EXTENSION";
    if (unknownExtension && isTypeScript(specifier) && path !== undefined && (await registerTsx(cwd))) {
      // Node keeps the failed load of that URL; a query makes it a new one, which tsx then loads.
      return (await import(`${target}?tsx`)) as Record<string, unknown>;
    }
    throw error;
  }
}

function loadError(specifier: string, error: unknown, cwd: string): ConfigurationError {
  let path = filePath(specifier, cwd);
  if (path === undefined) {
    try {
      path = createRequire(join(cwd, "package.json")).resolve(specifier);
    } catch {
      // a package that cannot be resolved: its error says so
    }
  }
  const decorators = path === undefined ? undefined : decoratorHint(error, path, cwd);
  if (decorators) return new ConfigurationError(`Cannot load --require ${specifier}: ${decorators}`);
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    isTypeScript(specifier) && code === "ERR_UNKNOWN_FILE_EXTENSION"
      ? " (TypeScript modules need a loader: install tsx in the application (npm install -D tsx), which resque then uses, or run with node --import tsx)"
      : "";
  return new ConfigurationError(`Cannot load --require ${specifier}${hint}: ${(error as Error).message}`);
}

export async function loadModules(specifiers: readonly string[], cwd = process.cwd()): Promise<LoadedModules> {
  const found: LoadedModules = { jobs: [], resque: undefined };
  for (const specifier of specifiers) {
    let module: Record<string, unknown>;
    try {
      module = await importModule(specifier, cwd);
    } catch (error) {
      throw loadError(specifier, error, cwd);
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
