/**
 * resque-ts/web: the dashboard (resque-web). `createDashboard({ admins })` returns a fetch
 * handler, a Node request handler and the Hono app; docs/web.md shows how to run and mount it.
 */
export { createDashboard, type Dashboard } from "./dashboard.js";
export type { DashboardOptions, DashboardRequest, AuthorizeHook, FetchHandler } from "./options.js";
export type { ChecksConfig, CheckName } from "../monitor/checks.js";
