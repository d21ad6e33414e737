/**
 * The single CommonJS bundle the published package runs from (dist/resque-ts.cjs). The public
 * entry points (`resque-ts`, `resque-ts/testing`, `resque-ts/web`, for `import` and `require`) and the commands
 * are thin files over it, so an application that mixes `import` and `require`, or whose job
 * modules are loaded by `resque work`, still has one Job class, one Resque class, one set of
 * error classes (docs/decisions.md: "One implementation behind import and require").
 */
export * as api from "./index.js";
export * as testing from "./testing/index.js";

/**
 * resque-ts/web, the dashboard, loaded on its first use: the web server's modules (hono) cost
 * startup time that workers and the other commands should not pay.
 */
export function loadWeb(): typeof import("./web/index.js") {
  return require("./web/index.js") as typeof import("./web/index.js");
}

/** The commands, each loaded (and so run) only when its bin calls it. */
export const commands: Record<string, () => Promise<unknown>> = {
  resque: () => import("./cli/resque.js"),
  "resque-scheduler": () => import("./cli/resque-scheduler.js"),
  "resque-web": () => import("./cli/resque-web.js"),
};
