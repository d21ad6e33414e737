/** `limit(options)`: the limit plugin as a class decorator that is also a plugin value. */
import type { JobClass } from "../../job/job.js";
import { addPlugins } from "../decorator.js";
import type { JobPlugin } from "../plugin.js";
import { resolveLimitOptions, type LimitOptions } from "./options.js";
import { LimitPlugin } from "./plugin.js";

export type LimitDecorator = (<C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => C) &
  Required<Pick<JobPlugin, "beforePerform" | "aroundPerform" | "afterPerform" | "onFailure" | "onDirtyExit">> & {
    readonly plugin: LimitPlugin;
  };

export function limit(options: LimitOptions): LimitDecorator {
  const plugin = new LimitPlugin(resolveLimitOptions(options));
  const decorate = <C extends abstract new (...args: never[]) => unknown>(target: C, _context?: ClassDecoratorContext<C>): C => {
    addPlugins(target as unknown as JobClass, [plugin]);
    return target;
  };
  Object.defineProperty(decorate, "name", { value: "limit" });
  return Object.assign(decorate, {
    plugin,
    beforePerform: plugin.beforePerform.bind(plugin),
    aroundPerform: plugin.aroundPerform.bind(plugin),
    afterPerform: plugin.afterPerform.bind(plugin),
    onFailure: plugin.onFailure.bind(plugin),
    onDirtyExit: plugin.onDirtyExit.bind(plugin),
  });
}
