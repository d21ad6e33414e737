import { pathToFileURL } from "node:url";
import { RedisServer } from "../tools/redis-server.js";
const lib = await import(pathToFileURL("/work/main/dist/index.js").href);
const web = await import(pathToFileURL("/work/main/dist/web.js").href);
const redis = await RedisServer.start();
const resque = new lib.Resque({ redis: redis.url });
for (let i = 0; i < 50; i++) await resque.admin.schedules.set(`report-${i}`, { cron: `${i % 60} * * * *`, class: "Pending", queue: "default", args: [i, "scheduled"] });
const d = web.createDashboard({ admins: resque.admin });
for (let k = 0; k < 40; k++) {
  let t0 = performance.now(); await resque.admin.schedules.list(); const a = performance.now() - t0;
  t0 = performance.now(); const r = await d.fetch(new Request("http://x/schedule")); await r.text(); const b = performance.now() - t0;
  console.log("list", a.toFixed(1), "page", b.toFixed(1));
}
await resque.close(); await redis.stop();
