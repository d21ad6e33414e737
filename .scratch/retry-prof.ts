import { pathToFileURL } from "node:url";
const { Resque, Job } = await import(pathToFileURL("/work/main/dist/index.js").href);
import { RedisServer } from "../tools/redis-server.js";

class Pending extends Job<[number, string]> { static override queue = "default"; perform() {} }
const redis = await RedisServer.start();
const resque = new Resque({ redis: redis.url, jobs: [Pending] });
const now = Date.now();
for (let i = 0; i < 10000; i++) await resque.enqueueAt(now + 3_600_000 + (i % 1000) * 1000, Pending, [i, "later"]);
for (let k = 0; k < 3; k++) {
let t0 = performance.now(); let n = 0;

console.log("scan", n, performance.now() - t0);
t0 = performance.now();
const r = await resque.admin.retries.scheduled();
console.log("scheduled", r.length, performance.now() - t0);
}
await resque.close(); await redis.stop();
