/**
 * A worker process's entry (plain JavaScript). It imports the library under test natively, as an
 * application loads it, and then the benchmark's own code compiled to JavaScript
 * (BENCH_WORKER_BUNDLE, built by bench/build.ts). No TypeScript loader runs in the process: under
 * tsx's hooks resque-ts's bundle cost ~45 MB more RSS than loaded natively, and the hooks
 * themselves ~25 MB in every library, costs of the harness that S5 would count as the library's.
 */
import { pathToFileURL } from "node:url";

const library = process.env.BENCH_WORKER_LIBRARY;
const modules = {
  // BENCH_RESQUE_TS=source loads src/ through tsx (for profiling): nothing to load natively.
  "resque-ts": process.env.BENCH_RESQUE_TS === "source" ? undefined : new URL("../dist/index.js", import.meta.url).href,
  bullmq: "bullmq",
  "node-resque": "node-resque",
};
const native = modules[library];
if (native) await import(native);
// Only the profiling mode that loads resque-ts from src/ needs a TypeScript loader.
if (process.env.BENCH_RESQUE_TS === "source") (await import("tsx/esm/api")).register();
await import(pathToFileURL(process.env.BENCH_WORKER_BUNDLE).href);
