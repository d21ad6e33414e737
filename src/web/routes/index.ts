/** Every page and action of one instance. */
import type { Hono } from "hono";
import type { WebEnv } from "../context.js";
import { instanceOf } from "../context.js";
import { liveValues } from "../live.js";
import type { Instance } from "../options.js";
import { registerDelayed } from "./delayed.js";
import { registerFailed } from "./failed.js";
import { registerOverview } from "./overview.js";
import { registerPlugins } from "./plugins.js";
import { registerQueues } from "./queues.js";
import { registerRetry } from "./retry.js";
import { registerSchedule } from "./schedule.js";
import { registerSearch } from "./search.js";
import { registerStats } from "./stats.js";
import { registerWorkers } from "./workers.js";

export function registerInstanceRoutes(app: Hono<WebEnv>, _instance: Instance): void {
  registerOverview(app);
  registerQueues(app);
  registerWorkers(app);
  registerFailed(app);
  registerDelayed(app);
  registerSchedule(app);
  registerRetry(app);
  registerStats(app);
  registerSearch(app);
  registerPlugins(app);
  app.get("/live.json", async (c) => {
    const overview = await instanceOf(c).admin.overview();
    return c.json({ at: overview.at.toISOString(), values: liveValues(overview) });
  });
}
