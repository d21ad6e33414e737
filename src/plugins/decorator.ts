/**
 * `@plugin(...)`: a TC39 class decorator that attaches plugins to a job class, the way `@retry`
 * does. Decorators apply bottom-up, so each one prepends: the plugins then run in the order the
 * decorators are written, top to bottom, before the class's `static plugins`.
 */
import { jobNameOf, type JobClass } from "../job/job.js";
import { toPlugin, type Plugin, type PluginLike } from "./plugin.js";
import { bindJobRetry } from "./retry/job-retry.js";
import { staticRetryPlugin } from "./retry/static-retry.js";

const DECORATED = Symbol.for("resque-ts.decorated-plugins");

type WithDecorated = { [DECORATED]?: Plugin[] };

export function plugin(...plugins: PluginLike[]) {
  return <C extends abstract new (...args: never[]) => unknown>(target: C, _context?: ClassDecoratorContext<C>): C => {
    addPlugins(target as unknown as JobClass, plugins);
    return target;
  };
}

/** Attaches plugins to a job class, ahead of any attached before (what decorators need). */
export function addPlugins(job: JobClass, plugins: PluginLike[]): void {
  const holder = job as unknown as WithDecorated;
  const inherited = Object.hasOwn(holder, DECORATED) ? [] : (holder[DECORATED] ?? []);
  const own = Object.hasOwn(holder, DECORATED) ? holder[DECORATED]! : [];
  Object.defineProperty(holder, DECORATED, {
    value: [...plugins.map(toPlugin), ...own, ...inherited],
    configurable: true,
    enumerable: false,
    writable: true,
  });
}

/**
 * Every plugin of a job class: decorated ones first, then `static plugins`, then the retry
 * plugin of `static retry` options. Throws ConfigurationError for invalid `static retry` options
 * or more than one retry plugin.
 */
export function jobPlugins(job: JobClass): Plugin[] {
  const decorated = (job as unknown as WithDecorated)[DECORATED] ?? [];
  const declared = ((job as { plugins?: PluginLike[] }).plugins ?? []).map(toPlugin);
  const fromStatic = staticRetryPlugin(job);
  const plugins: Plugin[] = [...decorated, ...declared, ...(fromStatic ? [fromStatic] : [])];
  bindJobRetry(job, jobNameOf(job), plugins);
  return plugins;
}
