/**
 * `@plugin(...)`: a TC39 class decorator that attaches plugins to a job class, the way `@retry`
 * does. Decorators apply bottom-up, so each one prepends: the plugins then run in the order the
 * decorators are written, top to bottom, before the class's `static plugins`.
 */
import { ConfigurationError } from "../errors.js";
import { isJobClass, jobNameOf, type JobClass } from "../job/job.js";
import { toPlugin, type Plugin, type PluginLike } from "./plugin.js";
import { bindJobRetry } from "./retry/job-retry.js";
import { staticRetryPlugin } from "./retry/static-retry.js";

const DECORATED = Symbol.for("resque-ts.decorated-plugins");

type WithDecorated = { [DECORATED]?: Plugin[] };

export function plugin(...plugins: PluginLike[]) {
  if (plugins.some((p) => isJobClass(p))) {
    // `@plugin` written without its arguments: the decorator was handed the job class itself.
    throw new ConfigurationError("@plugin needs the plugins to attach: write @plugin(myPlugin), not @plugin.");
  }
  return <C extends abstract new (...args: never[]) => unknown>(target: C, _context?: ClassDecoratorContext<C>): C => {
    assertDecoratedClass(target, "@plugin(...)");
    addPlugins(target as unknown as JobClass, plugins);
    return target;
  };
}

/**
 * Decorators receive the class (TC39 decorators, TypeScript's experimentalDecorators). Older
 * decorator proposals (Babel's "2018-09", "legacy" on a class member) hand over something else,
 * and attaching a plugin to it would leave the job without it.
 */
export function assertDecoratedClass(target: unknown, decorator: string): void {
  if (typeof target === "function") return;
  throw new ConfigurationError(
    `${decorator} received ${target === null ? "null" : typeof target} instead of a class: it decorates job classes only, with standard decorators ` +
      '(TypeScript 5, or Babel with version "2023-11") or TypeScript\'s experimentalDecorators. ' +
      "Without decorators, write static plugins = [...] or static retry = { ... } on the class.",
  );
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
