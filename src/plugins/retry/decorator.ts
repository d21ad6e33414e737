/**
 * `retry(options)`: the retry plugin as a TC39 class decorator (`@retry({ backoff: [10, 60] })`)
 * that is also a plugin value, for code without decorators (`static plugins = [retry(...)]`, or
 * `new Resque({ plugins: [retry(...)] })` for every job that has no retry plugin of its own).
 */
import type { JobClass } from "../../job/job.js";
import { ConfigurationError } from "../../errors.js";
import { addPlugins, assertDecoratedClass } from "../decorator.js";
import type { JobPlugin, PerformContext } from "../plugin.js";
import { RETRY_PLUGIN } from "./job-retry.js";
import { resolveRetryOptions, type GiveUpInfo, type RetryOptions, type RetryScheduledInfo } from "./options.js";
import { RetryPlugin } from "./plugin.js";

/** The context the retry callbacks see, with the job's arguments typed. */
/** A perform context whose args are typed. */
export type ContextWithArgs<Args extends readonly unknown[]> = PerformContext & { readonly args: Args };

/**
 * Retry options whose callbacks know the job's arguments: `Args` is inferred from a typed
 * `retryIdentifier` or callback (or given: `retry<[invoiceId: number]>({...})`), and the decorator
 * then accepts only job classes whose `perform` takes those arguments.
 */
export type TypedRetryOptions<Args extends readonly unknown[] = any[]> = Omit<RetryOptions, "retryIdentifier" | "onRetry" | "onGiveUp"> & {
  /** The identifier in the counter key `resque-retry:<class>:<id>`; default the SHA1 of Ruby's args.join('-'). */
  retryIdentifier?: ((args: Args) => string | null | undefined) | undefined;
  /** Called after a retry is scheduled. */
  onRetry?: ((error: unknown, info: Omit<RetryScheduledInfo, "context"> & { context: ContextWithArgs<Args> }) => unknown) | undefined;
  /** Called when the job will not be retried; its failure is then recorded in the failed list. */
  onGiveUp?: ((error: unknown, info: Omit<GiveUpInfo, "context"> & { context: ContextWithArgs<Args> }) => unknown) | undefined;
};

/** A job class whose `perform` takes `Args`. */
/** A job class whose perform takes these args. */
export type JobClassTaking<Args extends readonly unknown[]> = abstract new (...args: never[]) => { perform(...args: Args): unknown };

/** What `retry(options)` returns: a class decorator that is a plugin too. */
export type RetryDecorator<Args extends readonly unknown[] = any[]> = (<C extends JobClassTaking<Args>>(target: C, context?: ClassDecoratorContext<C>) => C) &
  Required<Pick<JobPlugin, "beforePerform" | "afterPerform" | "onFailure">> & {
    /** The plugin doing the work (its validated options are in `plugin.options`). */
    readonly plugin: RetryPlugin;
  };

/** Validates the options at once: a mistake throws ConfigurationError where the class is defined. */
export function retry<Args extends readonly unknown[] = any[]>(options: TypedRetryOptions<Args> = {}): RetryDecorator<Args> {
  if (typeof options === "function") {
    // `@retry` written without parentheses: the decorator was handed the job class itself.
    throw new ConfigurationError("@retry needs parentheses: write @retry() or @retry({ backoff: [10, 60] }), not @retry.");
  }
  const plugin = new RetryPlugin(resolveRetryOptions(options as RetryOptions, "retry options"), "retry(...)");
  // An arrow function: it has no prototype, so plugin lists take it as a plugin object, not a class.
  const decorate = <C extends JobClassTaking<Args>>(target: C, context?: ClassDecoratorContext<C>): C => {
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
