/**
 * Dependencies that only some processes use (YAML files, Prometheus metrics, SMTP mail, cron and
 * time-zone rules, an HTTP server), loaded on first use instead of when resque-ts is imported: a
 * worker that never reads a schedule, serves metrics or sends mail does not carry their modules
 * (together ~27 MB of resident memory).
 * The build keeps these `require` calls as they are (the packages stay external dependencies).
 */
import { createRequire } from "node:module";

const load = createRequire(import.meta.url);

/** A function returning the module `name`, required on its first call. */
export function lazyDependency<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= load(name) as T);
}
