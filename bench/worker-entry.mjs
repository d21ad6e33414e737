/**
 * A worker process's entry (plain JavaScript). It imports the library under test natively, as an
 * application loads it, and only then registers tsx for the benchmark's own TypeScript
 * (worker-process.ts and the adapters, which then get the already loaded library). Loaded under
 * tsx's hooks, resque-ts's one 750 kB bundle cost ~45 MB more RSS than loaded natively, while
 * bullmq's and node-resque's modules did not: that was a cost of the harness, not of a library.
 */
import { register } from "tsx/esm/api";

const library = process.env.BENCH_WORKER_LIBRARY;
const modules = {
  // BENCH_RESQUE_TS=source loads src/ through tsx (for profiling): nothing to load natively.
  "resque-ts": process.env.BENCH_RESQUE_TS === "source" ? undefined : new URL("../dist/index.js", import.meta.url).href,
  bullmq: "bullmq",
  "node-resque": "node-resque",
};
const native = modules[library];
if (native) await import(native);
register();
await import("./worker-process.ts");
