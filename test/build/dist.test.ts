import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { beforeAll, describe, expect, it } from "vitest";
import { useRedis } from "../helpers/resque.js";

const root = new URL("../../", import.meta.url).pathname;

describe("the built package", () => {
  const redis = useRedis();

  beforeAll(() => {
    execFileSync("npm", ["run", "build"], { cwd: root, stdio: "ignore" });
  }, 120_000);

  it("ships its Lua scripts and type declarations", () => {
    expect(existsSync(join(root, "dist/scripts/work-cycle.lua"))).toBe(true);
    expect(existsSync(join(root, "dist/scripts/includes/payload-of.lua"))).toBe(true);
    expect(existsSync(join(root, "dist/index.d.ts"))).toBe(true);
    expect(existsSync(join(root, "dist/worker/heartbeat-thread.js"))).toBe(true);
  });

  it("runs a decorated job compiled by an ordinary build, with plain node", async () => {
    // Compiled next to the fixture so its relative import of ../../dist resolves.
    const outfile = join(root, "test/fixtures/.dist-user.mjs");
    try {
      await build({ entryPoints: [join(root, "test/fixtures/dist-user.ts")], outfile, format: "esm", target: "es2022", platform: "node" });
      const output = execFileSync(process.execPath, [outfile], { env: { ...process.env, REDIS_URL: redis.server().url }, encoding: "utf8" });
      // The heartbeat thread's module is found in dist/ (no fallback to the main thread, no error).
      expect(output).not.toContain("heartbeat");
      expect(JSON.parse(output.trim().split("\n").at(-1)!)).toEqual({
        seen: ["before Decorated", "perform hello"],
        stats: { processed: 1, failed: 0 },
      });
    } finally {
      rmSync(outfile, { force: true });
    }
  });

  it("has a working resque command", () => {
    const version = execFileSync(process.execPath, [join(root, "dist/cli/resque.cjs"), "--version"], { encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
