import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
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
    expect(existsSync(join(root, "dist/worker/heartbeat-beat.js"))).toBe(true);
  });

  it("has an ASCII-only bundle, comments included (V8 would keep a source with one \"→\" at two bytes per character)", () => {
    const source = readFileSync(join(root, "dist/resque-ts.cjs"));
    expect(source.findIndex((byte) => byte > 0x7f)).toBe(-1);
    expect(source.toString("latin1")).toContain("\\u2192"); // the comments' arrows, escaped
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

  it("loads with import and with require, as one implementation", () => {
    // In plain node (vitest would load the ES entry through its own module graph).
    const script = `
      import { createRequire } from "node:module";
      const imported = await import("./dist/index.js");
      const required = createRequire(import.meta.url)("./dist/index.cjs");
      const testing = createRequire(import.meta.url)("./dist/testing.cjs");
      console.log(JSON.stringify({
        sameNames: Object.keys(imported).sort().join() === Object.keys(required).sort().join(),
        sameJob: imported.Job === required.Job,
        sameResque: imported.Resque === required.Resque,
        testing: typeof testing.ResqueTesting,
      }));`;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: root, encoding: "utf8" });
    // The same classes either way: a job module that requires resque-ts works with the commands.
    expect(JSON.parse(output)).toEqual({ sameNames: true, sameJob: true, sameResque: true, testing: "function" });
  });

  it("has every bin of package.json", () => {
    const { bin } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { bin: Record<string, string> };
    for (const [name, file] of Object.entries(bin)) {
      const version = execFileSync(process.execPath, [join(root, file), "--version"], { encoding: "utf8" });
      expect(version.trim(), name).toMatch(/^\d+\.\d+\.\d+$/);
    }
  });

  it("has a working resque command", () => {
    const version = execFileSync(process.execPath, [join(root, "dist/cli/resque.cjs"), "--version"], { encoding: "utf8" });
    expect(version.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
