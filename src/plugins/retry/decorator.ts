/**
 * `retry(options)`: the retry plugin as a TC39 class decorator (`@retry({ backoff: [10, 60] })`)
 * that is also a plugin value, for code without decorators (`static plugins = [retry(...)]`, or
 * `new Resque({ plugins: [retry(...)] })` for every job that has no retry plugin of its own).
 */
import type { JobClass } from "../../job/job.js";
import { ConfigurationError } from "../../errors.js";
import { addPlugins, assertDecoratedClass } from "../decorator.js";
import type { JobPlugin } from "../plugin.js";
import { RETRY_PLUGIN } from "./job-retry.js";
import { resolveRetryOptions, type RetryOptions } from "./options.js";
import { RetryPlugin } from "./plugin.js";

/** What `retry(options)` returns: a class decorator that is a plugin too. */
export type RetryDecorator = (<C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => C) &
  Required<Pick<JobPlugin, "beforePerform" | "afterPerform" | "onFailure">> & {
    /** The plugin doing the work (its validated options are in `plugin.options`). */
    readonly plugin: RetryPlugin;
  };

/** Validates the options at once: a mistake throws ConfigurationError where the class is defined. */
export function retry(options: RetryOptions = {}): RetryDecorator {
  if (typeof options === "function") {
    // `@retry` written without parentheses: the decorator was handed the job class itself.
    throw new ConfigurationError("@retry needs parentheses: write @retry() or @retry({ backoff: [10, 60] }), not @retry.");
  }
  const plugin = new RetryPlugin(resolveRetryOptions(options, "retry options"), "retry(...)");
  // An arrow function: it has no prototype, so plugin lists take it as a plugin object, not a class.
  const decorate = <C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>): C => {
    assertDecoratedClass(target, "@retry(...)");
    plugin.where = `@retry on ${context?.name ?? target.name}`;
    addPlugins(target as unknown as JobClass, [plugin]);
    return target;
  };
  Object.defineProperty(decorate, "name", { value: "retry" });
  return Object.assign(decorate, {
    [RETRY_PLUGIN]: plugin,
    plugin,
    beforePerform: plugin.beforePerform.bind(plugin),
    afterPerform: plugin.afterPerform.bind(plugin),
    onFailure: plugin.onFailure.bind(plugin),
  });
}
