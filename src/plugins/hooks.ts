/**
 * Collects and runs hooks in Resque's order. For each hook name the list is:
 *   1. global plugins (new Resque({ plugins })), in declared order;
 *   2. the job's plugins: @plugin/@retry decorators top to bottom, then `static plugins`;
 *   3. the job class's own static methods whose names start with the hook name
 *      (`static beforePerformAudit`), sorted by name — Resque's prefix convention.
 * Around hooks nest in that order: the first is the outermost.
 */
import { HOOK_FRAME } from "../failure/backtrace.js";
import { Job, type JobClass } from "../job/job.js";
import { jobPlugins } from "./decorator.js";
import { JOB_HOOKS, pluginName, WORKER_HOOKS, type JobHookName, type Plugin, type WorkerHookContext, type WorkerHookName } from "./plugin.js";

/** A hook ready to call, with a label saying where it came from (for failure entries and logs). */
export interface BoundHook {
  label: string;
  call: (...args: unknown[]) => unknown;
  /** The plugin the hook belongs to (none for a job class's static hook methods). */
  plugin?: object;
}

export type JobHooks = Record<JobHookName, BoundHook[]>;

function fromPlugins(plugins: readonly Plugin[], hook: JobHookName | WorkerHookName): BoundHook[] {
  const bound: BoundHook[] = [];
  for (const plugin of plugins) {
    const fn = (plugin as Record<string, unknown>)[hook];
    if (typeof fn === "function") bound.push({ label: `${hook} (${pluginName(plugin)})`, call: fn.bind(plugin) as BoundHook["call"], plugin });
  }
  return bound;
}

/** Static methods of the class and its ancestors below Job, nearest definition winning. */
function staticMethods(job: JobClass): Map<string, (...args: unknown[]) => unknown> {
  const methods = new Map<string, (...args: unknown[]) => unknown>();
  for (let ctor: unknown = job; typeof ctor === "function" && ctor !== Job && ctor !== Function.prototype; ctor = Object.getPrototypeOf(ctor)) {
    for (const name of Object.getOwnPropertyNames(ctor)) {
      const value = (ctor as unknown as Record<string, unknown>)[name];
      if (!methods.has(name) && typeof value === "function") methods.set(name, value as (...args: unknown[]) => unknown);
    }
  }
  return methods;
}

function fromClass(job: JobClass, hook: JobHookName): BoundHook[] {
  const names = [...staticMethods(job).keys()].filter((name) => name.startsWith(hook)).sort();
  const name = job.jobName ?? job.name;
  return names.map((method) => ({
    label: `${method} (${name})`,
    call: ((...args: unknown[]) => (job as unknown as Record<string, (...a: unknown[]) => unknown>)[method]!(...args)) as BoundHook["call"],
  }));
}

const cache = new WeakMap<readonly Plugin[], WeakMap<JobClass, JobHooks>>();
const withoutClass = new WeakMap<readonly Plugin[], JobHooks>();

/**
 * The hooks of a job class under a set of global plugins; for a job this process has no class
 * for, only the global plugins' hooks. Cached: classes and plugin lists do not change.
 */
export function jobHooks(job: JobClass | undefined, globalPlugins: readonly Plugin[]): JobHooks {
  if (!job) {
    let hooks = withoutClass.get(globalPlugins);
    if (!hooks) withoutClass.set(globalPlugins, (hooks = collect(globalPlugins, undefined)));
    return hooks;
  }
  let perClass = cache.get(globalPlugins);
  if (!perClass) cache.set(globalPlugins, (perClass = new WeakMap()));
  let hooks = perClass.get(job);
  if (!hooks) perClass.set(job, (hooks = collect([...globalPlugins, ...jobPlugins(job)], job)));
  return hooks;
}

function collect(plugins: readonly Plugin[], job: JobClass | undefined): JobHooks {
  return Object.fromEntries(JOB_HOOKS.map((hook) => [hook, [...fromPlugins(plugins, hook), ...(job ? fromClass(job, hook) : [])]])) as JobHooks;
}

export function workerHooks(plugins: readonly Plugin[], hook: WorkerHookName): BoundHook[] {
  return fromPlugins(plugins, hook);
}

/**
 * Runs the plugins' worker hooks of one name in order. A failing hook is logged and the rest
 * still run, unless `rethrow` (beforeFirstFork, afterFork: a worker must not start half-ready).
 */
export async function runWorkerHooks(
  plugins: readonly Plugin[],
  name: WorkerHookName,
  context: WorkerHookContext,
  options: { rethrow?: boolean } = {},
): Promise<void> {
  for (const hook of workerHooks(plugins, name)) {
    try {
      await runHook(hook, [context]);
    } catch (error) {
      if (options.rethrow) throw error;
      context.logger.error({ err: error, hook: hook.label }, "worker hook failed");
    }
  }
}

export { WORKER_HOOKS };

/** Thrown when a hook fails: remembers which hook, for the failure entry. */
export class HookError extends Error {
  constructor(
    readonly hook: string,
    readonly original: unknown,
  ) {
    super(original instanceof Error ? original.message : String(original));
  }
}

/** Every hook call goes through this function; backtraces are cut at its frame. */
const runners = {
  async [HOOK_FRAME](hook: BoundHook, args: unknown[]): Promise<unknown> {
    return await hook.call(...args);
  },
};
export const runHook = runners[HOOK_FRAME];

/**
 * Runs every hook in order with the same arguments; returns false if any returned exactly false
 * (all still run, as in Resque). A throwing hook is rethrown as a HookError naming it.
 */
export async function runAll(hooks: readonly BoundHook[], ...args: unknown[]): Promise<boolean> {
  let allowed = true;
  for (const hook of hooks) {
    let result: unknown;
    try {
      result = await runHook(hook, args);
    } catch (error) {
      throw new HookError(hook.label, error);
    }
    if (result === false) allowed = false;
  }
  return allowed;
}

/**
 * Nests around hooks (the first is the outermost) around `inner`. An error thrown by `inner`
 * passes through unchanged; an error of a hook's own becomes a HookError naming it.
 */
export async function runAround(hooks: readonly BoundHook[], context: unknown, inner: () => Promise<unknown>): Promise<void> {
  const call = async (index: number): Promise<void> => {
    if (index === hooks.length) {
      await inner();
      return;
    }
    const hook = hooks[index]!;
    let fromInside: { error: unknown } | undefined;
    const next = async () => {
      try {
        await call(index + 1);
      } catch (error) {
        fromInside = { error };
        throw error;
      }
    };
    try {
      await runHook(hook, [context, next]);
    } catch (error) {
      if (fromInside && error === fromInside.error) throw error;
      throw new HookError(hook.label, error);
    }
  };
  await call(0);
}
