/** The unique plugin (resque-loner / resque-lock-timeout's analogue): see docs/plugins/unique.md. */
export { unique, type UniqueDecorator } from "./decorator.js";
export { UniquePlugin } from "./plugin.js";
export type { UniqueOptions, UniqueScope } from "./options.js";
