// S8: the no-op job of the benchmark, for `resque work --require bench/pool-jobs.cjs` (a pool's
// children load their jobs from a module). Same queue and class name as the adapter's BenchJob.
"use strict";
const { Job } = require("../dist/index.cjs");

class BenchJob extends Job {
  static queue = "bench";
  static jobName = "BenchJob";
  perform() {}
}

module.exports = { BenchJob };
