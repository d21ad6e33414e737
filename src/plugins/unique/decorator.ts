/** `unique(options)`: the unique plugin as a class decorator that is also a plugin value. */
import type { JobClass } from "../../job/job.js";
import { addPlugins } from "../decorator.js";
import type { JobPlugin } from "../plugin.js";
import { resolveUniqueOptions, type UniqueOptions } from "./options.js";
import { UniquePlugin } from "./plugin.js";

export type UniqueDecorator = (<C extends abstract new (...args: never[]) => unknown>(target: C, context?: ClassDecoratorContext<C>) => C) &
  Required<Pick<JobPlugin, "beforeEnqueue" | "afterDequeue" | "beforePerform" | "aroundPerform" | "afterPerform" | "onFailure" | "onDirtyExit">> & {
    readonly plugin: UniquePlugin;
  };

export function unique(options: UniqueOptions = {}): UniqueDecorator {
  const plugin = new UniquePlugin(resolveUniqueOptions(options));
  const decorate = <C extends abstract new (...args: never[]) => unknown>(target: C, _context?: ClassDecoratorContext<C>): C => {
    addPlugins(target as unknown as JobClass, [plugin]);
    return target;
  };
  Object.defineProperty(decorate, "name", { value: "unique" });
  return Object.assign(decorate, {
    plugin,
    beforeEnqueue: plugin.beforeEnqueue.bind(plugin),
    afterDequeue: plugin.afterDequeue.bind(plugin),
    beforePerform: plugin.beforePerform.bind(plugin),
    aroundPerform: plugin.aroundPerform.bind(plugin),
    afterPerform: plugin.afterPerform.bind(plugin),
    onFailure: plugin.onFailure.bind(plugin),
    onDirtyExit: plugin.onDirtyExit.bind(plugin),
  });
}
