import { pathToFileURL } from "node:url";
import { RedisServer } from "../tools/redis-server.js";
const lib = await import(pathToFileURL("/work/main/dist/index.js").href);
class Broken extends lib.Job { static queue = "broken"; perform(n: number) { throw new Error(`broken on purpose (#${n})`); } }
const redis = await RedisServer.start();
const resque = new lib.Resque({ redis: redis.url, jobs: [Broken] });
const w = resque.worker({ queues: ["broken"], concurrency: 50 });
await resque.enqueue(Broken, 1);
await new Promise<void>((r) => { w.on("job:failure", () => r()); void w.start(); });
await w.stop();
const c = redis.client();
const [entry] = await c.lrange("resque:failed", 0, 0);
console.log("entry bytes", entry!.length);
for (let i = 0; i < 20; i++) await c.rpush("resque:failed", ...Array.from({ length: 1000 }, () => entry!));
for (let k = 0; k < 3; k++) {
  let t0 = performance.now();
  for (let s = 0; s < 20001; s += 1000) await c.lrange("resque:failed", s, s + 999);
  console.log("lrange only", (performance.now() - t0).toFixed(0));
  t0 = performance.now();
  let n = 0; for (let s = 0; s < 20001; s += 1000) for (const r of await c.lrange("resque:failed", s, s + 999)) { JSON.parse(r); n++; }
  console.log("lrange+JSON.parse", (performance.now() - t0).toFixed(0));
  t0 = performance.now();
  const g = await resque.admin.failed.groups("class");
  console.log("groups", (performance.now() - t0).toFixed(0), JSON.stringify(g));
}
c.disconnect(); await resque.close(); await redis.stop();
