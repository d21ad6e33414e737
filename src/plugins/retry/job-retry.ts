/**
 * Which retry plugin a job class has of its own (from `@retry`, `static plugins` or
 * `static retry`). A job has at most one; a retry plugin given globally
 * (`new Resque({ plugins: [retry(...)] })`) steps aside for jobs that have their own.
 * Recorded when the class's plugins are collected, which happens before any of its hooks run.
 */
import { ConfigurationError } from "../../errors.js";

/** Marks a retry plugin; the value is the plugin doing the work (the same object, or the one a `retry(...)` function wraps). */
export const RETRY_PLUGIN = Symbol.for("resque-ts.retry-plugin");

const own = new WeakMap<object, object>();

/** The retry plugin behind a plugin value, when it is one. */
export function retryPluginBehind(plugin: unknown): object | undefined {
  if ((typeof plugin !== "object" && typeof plugin !== "function") || plugin === null) return undefined;
  return (plugin as { [RETRY_PLUGIN]?: object })[RETRY_PLUGIN];
}

/** Records the retry plugin among a job's own plugins. Throws when there is more than one. */
export function bindJobRetry(job: object, jobName: string, plugins: readonly unknown[]): void {
  const found = [...new Set(plugins.map(retryPluginBehind).filter((p) => p !== undefined))];
  if (found.length > 1) {
    throw new ConfigurationError(
      `${jobName} has ${found.length} retry plugins (from @retry, static plugins and static retry); keep one, or its attempts would be counted twice.`,
    );
  }
  if (found[0]) own.set(job, found[0]);
  else own.delete(job);
}

/** The job's own retry plugin, if it has one. */
export function jobRetryPlugin(job: object): object | undefined {
  return own.get(job);
}
