import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { transform } from "esbuild";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { runTs } from "../helpers/processes.js";
import { useRedis } from "../helpers/resque.js";

const root = fileURLToPath(new URL("../../", import.meta.url));
const CLI = "src/cli/resque.ts";

/** A user's job module with both decorators, importing resque-ts (here: its source). */
const source = `
import { Job, plugin, retry } from "RESQUE_TS";

@retry({ backoff: [60] })
@plugin({ name: "mark", beforePerform: (context) => void process.stdout.write("before " + context.args[0] + "\\n") })
export class Compiled extends Job<[string]> {
  static override queue = "compiled";
  perform(word: string) {
    process.stdout.write("perform " + word + "\\n");
    if (word === "fail") throw new Error("boom");
  }
}
`.replace("RESQUE_TS", pathToFileURL(join(root, "src/index.ts")).href);

const dir = mkdtempSync(join(root, "test/fixtures/.decorators-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tsc(name: string, options: ts.CompilerOptions): string {
  const { outputText } = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, ...options }, fileName: `${name}.ts` });
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, outputText);
  return file;
}

describe("decorated jobs compiled by each tool", () => {
  const redis = useRedis();

  async function work(file: string) {
    const client = redis.server().client();
    await client.rpush("resque:queue:compiled", '{"class":"Compiled","args":["ok"]}', '{"class":"Compiled","args":["fail"]}');
    const proc = runTs(CLI, { REDIS_URL: redis.server().url, QUEUE: "compiled", INTERVAL: "0" }, ["work", "--require", relative(root, file)]);
    const exit = await proc.exited;
    const state = { failed: await client.llen("resque:failed"), delayed: await client.zcard("resque:delayed_queue_schedule") };
    await client.quit();
    return { exit, proc, state };
  }

  for (const [tool, compile] of [
    ["tsc with target ES2022", () => tsc("es2022", { target: ts.ScriptTarget.ES2022 })],
    ["tsc with experimentalDecorators", () => tsc("legacy", { target: ts.ScriptTarget.ES2022, experimentalDecorators: true })],
    [
      "esbuild (tsup) with target es2022",
      async () => {
        const { code } = await transform(source, { loader: "ts", target: "es2022", format: "esm" });
        writeFileSync(join(dir, "esbuild.mjs"), code);
        return join(dir, "esbuild.mjs");
      },
    ],
  ] as const) {
    it(`${tool}: @plugin hooks run and @retry schedules the retry`, async () => {
      const { exit, proc, state } = await work(await compile());
      expect(exit.code, proc.stderr()).toBe(0);
      expect(proc.lines.filter((l) => /^(before|perform) /.test(l))).toEqual(["before ok", "perform ok", "before fail", "perform fail"]);
      expect(state).toEqual({ failed: 0, delayed: 1 });
    });
  }

  it("tsc with tsc --init's target (ESNext) leaves the decorators in: resque work says what to change", async () => {
    const file = tsc("esnext", { target: ts.ScriptTarget.ESNext });
    const { exit, proc, state } = await work(file);
    expect(exit.code).toBe(1);
    const message = proc.stderr();
    expect(message).toMatch(new RegExp(`${relative(root, file).replace(/[.]/g, "\\.")}:\\d+ has a decorator that was not compiled \\(@retry\\(\\{ backoff: \\[60\\] \\}\\)\\)`));
    expect(message).toContain('Compile it with "target": "ES2022" in tsconfig.json');
    expect(message).toContain("static retry = { ... }");
    expect(state).toEqual({ failed: 0, delayed: 0 });
  });

  it("a decorated class in a module the required one imports is found too", async () => {
    tsc("esnext-inner", { target: ts.ScriptTarget.ESNext });
    writeFileSync(join(dir, "index.mjs"), 'export * from "./esnext-inner.mjs";\n');
    const { exit, proc } = await work(join(dir, "index.mjs"));
    expect(exit.code).toBe(1);
    expect(proc.stderr()).toContain(`${relative(root, join(dir, "esnext-inner.mjs"))}:2 has a decorator that was not compiled`);
  });
});
