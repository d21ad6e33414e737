import { cpSync } from "node:fs";
import { defineConfig } from "tsup";

export default defineConfig({
  entry: {
    index: "src/index.ts",
    "cli/resque": "src/cli/resque.ts",
    "cli/resque-scheduler": "src/cli/resque-scheduler.ts",
    // Started with new Worker() by the worker's heartbeat (src/worker/heartbeat.ts).
    "worker/heartbeat-thread": "src/worker/heartbeat-thread.ts",
  },
  format: ["esm"],
  target: "node20",
  platform: "node",
  dts: { entry: { index: "src/index.ts" } },
  sourcemap: true,
  clean: true,
  splitting: true,
  // Lua scripts are read at run time next to the shared chunk (see src/redis/scripts/load.ts).
  async onSuccess() {
    cpSync("src/redis/scripts", "dist/scripts", {
      recursive: true,
      filter: (src) => !src.endsWith(".ts"),
    });
  },
});
