/** The status plugin (resque-status's analogue): see docs/plugins/status.md. */
export { trackStatus, type StatusDecorator } from "./decorator.js";
export { StatusPlugin } from "./plugin.js";
export { statusOf, StatusTracker, StatusKilled, StatusError } from "./tracker.js";
export type { StatusOptions } from "./options.js";
export type { JobStatus, StatusState } from "./status-record.js";
