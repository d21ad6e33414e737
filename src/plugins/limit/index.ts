/** The limit plugin (concurrency and rate limits): see docs/plugins/limit.md. */
export { limit, type LimitDecorator } from "./decorator.js";
export { LimitPlugin } from "./plugin.js";
export type { LimitOptions } from "./options.js";
