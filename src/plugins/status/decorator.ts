/**
 * `trackStatus(options)`: the status plugin as a class decorator (`@trackStatus()`) that is also
 * a plugin value (`static plugins = [trackStatus()]`).
 */
import type { JobClass } from "../../job/job.js";
import { addPlugins } from "../decorator.js";
import type { JobPlugin } from "../plugin.js";
import { resolveStatusOptions, type StatusOptions } from "./options.js";
import { StatusPlugin } from "./plugin.js";

export type StatusDecorator = (<C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => C) &
  Required<Pick<JobPlugin, "beforeEnqueue" | "afterEnqueue" | "aroundPerform" | "afterPerform" | "onFailure" | "onDirtyExit">> & {
    readonly plugin: StatusPlugin;
  };

export function trackStatus(options: StatusOptions = {}): StatusDecorator {
  const plugin = new StatusPlugin(resolveStatusOptions(options));
  // An arrow function has no prototype: plugin lists take it as a plugin object, not a class.
  const decorate = <C extends abstract new (...args: never[]) => unknown>(target: C, _context?: ClassDecoratorContext<C>): C => {
    addPlugins(target as unknown as JobClass, [plugin]);
    return target;
  };
  Object.defineProperty(decorate, "name", { value: "status" });
  return Object.assign(decorate, {
    plugin,
    beforeEnqueue: plugin.beforeEnqueue.bind(plugin),
    afterEnqueue: plugin.afterEnqueue.bind(plugin),
    aroundPerform: plugin.aroundPerform.bind(plugin),
    afterPerform: plugin.afterPerform.bind(plugin),
    onFailure: plugin.onFailure.bind(plugin),
    onDirtyExit: plugin.onDirtyExit.bind(plugin),
  });
}
