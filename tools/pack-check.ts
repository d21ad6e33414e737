/**
 * `npm run check:package` (CI): the package as a newcomer gets it. Packs it (prepack builds),
 * lints the tarball (publint, attw), then follows the README's Quickstart in two fresh apps in a
 * temporary folder: an ES module app in TypeScript (tsc --init's defaults plus the two settings
 * the README names, type-checked, run with npx, then compiled and run with node) and a CommonJS
 * app in plain JavaScript. Both run against a private redis-server and must show a job retried
 * with its backoff and, for the first, a cron job firing.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { RedisServer } from "./redis-server.js";
import { quickstart, type QuickstartApp } from "./readme-quickstart.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
const step = (message: string) => console.log(`[${elapsed()}] ${message}`);

function sh(command: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  try {
    return execFileSync("sh", ["-c", command], { cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    throw new Error(`\`${command}\` failed in ${cwd}:\n${e.stdout ?? ""}${e.stderr ?? ""}`);
  }
}

interface Running {
  command: string;
  child: ChildProcess;
  lines: string[];
  output: () => string;
  exited: Promise<number | null>;
}

const running: Running[] = [];

/** Starts a shell command in a process group of its own (what a terminal tab would run). */
function start(command: string, cwd: string, env: NodeJS.ProcessEnv): Running {
  const child = spawn("sh", ["-c", command], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const lines: string[] = [];
  let text = "";
  let buffer = "";
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    buffer += chunk.toString();
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      lines.push(buffer.slice(0, i));
      buffer = buffer.slice(i + 1);
    }
  };
  child.stdout!.on("data", onData);
  child.stderr!.on("data", onData);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const run = { command, child, lines, output: () => text, exited };
  running.push(run);
  return run;
}

/** Ctrl-C in the terminal: SIGINT to the whole foreground process group. */
function interrupt(run: Running): void {
  try {
    process.kill(-run.child.pid!, "SIGINT");
  } catch {
    // already gone
  }
}

function killAll(): void {
  for (const run of running) {
    try {
      process.kill(-run.child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** JSON log lines (pino) of a process. */
function logs(run: Running): Record<string, unknown>[] {
  return run.lines.flatMap((line) => {
    try {
      const parsed = JSON.parse(line) as unknown;
      return parsed && typeof parsed === "object" ? [parsed as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

async function waitFor<T>(what: string, probe: () => T | undefined, runs: Running[], timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    const allExited = runs.every((r) => r.child.exitCode !== null || r.child.signalCode !== null);
    if (Date.now() > deadline || allExited) {
      throw new Error(`${allExited ? "every process exited" : "timed out"} waiting for ${what}. Output:\n${runs.map((r) => `--- ${r.command}\n${r.output()}`).join("\n")}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** npm installs as written, with the tarball standing in for the published package. */
function asWritten(command: string, tarball: string): string {
  let line = command.replace(/\bnpm install resque-ts\b/, `npm install ${tarball}`);
  if (/^npm (install|i)\b/.test(line)) line += " --prefer-offline --no-audit --no-fund";
  return line;
}

function writeFiles(app: QuickstartApp, dir: string): void {
  for (const [name, content] of app.files) writeFileSync(join(dir, name), content);
}

/** The failures and the success of SendInvoice in a worker's log, with their times. */
function invoiceRuns(worker: Running): { failures: number[]; sentAt: number | undefined; sentAttempt: unknown } {
  const entries = logs(worker);
  const failures = entries.filter((e) => e.msg === "job failed" && JSON.stringify(e.err ?? "").includes("mail server busy")).map((e) => Number(e.time));
  const sent = entries.find((e) => e.msg === "invoice sent");
  return { failures, sentAt: sent ? Number(sent.time) : undefined, sentAttempt: sent?.attempt };
}

async function checkRetries(worker: Running, runs: Running[]): Promise<void> {
  const result = await waitFor("the invoice to be sent on its third attempt", () => (invoiceRuns(worker).sentAt ? invoiceRuns(worker) : undefined), runs);
  const [first, second] = result.failures;
  if (result.failures.length !== 2 || first === undefined || second === undefined || result.sentAttempt !== 2) {
    throw new Error(`expected two failures then a success on attempt 2, got ${JSON.stringify(result)}`);
  }
  // Backoff [2, 10]: the scheduler moves a retry when its second has come (whole seconds, rounded up).
  const gaps = [second - first, result.sentAt! - second];
  if (gaps[0]! < 1500 || gaps[1]! < 9500) throw new Error(`retries came too early for a backoff of [2, 10] s: gaps ${gaps.join(", ")} ms`);
  step(`retried with backoff: failures then success, ${gaps.map((g) => `${(g / 1000).toFixed(1)} s`).join(" and ")} apart`);
}

async function esmApp(app: QuickstartApp, dir: string, tarball: string, env: NodeJS.ProcessEnv): Promise<void> {
  step(`ESM app in ${dir}`);
  // "mkdir billing && cd billing": the app's folder is already made.
  for (const command of app.setup.filter((c) => !/^mkdir \S+ && cd /.test(c))) sh(asWritten(command, tarball), dir, env);
  // The two settings the README asks for in the tsconfig.json that tsc --init wrote.
  const tsconfig = readFileSync(join(dir, "tsconfig.json"), "utf8");
  const edited = tsconfig.replace(/"types":\s*\[\s*\]/, '"types": ["node"]').replace(/"target":\s*"esnext"/i, '"target": "ES2022"');
  if (edited === tsconfig || !edited.includes('"types": ["node"]') || !edited.includes('"target": "ES2022"')) {
    throw new Error(`tsc --init wrote a tsconfig.json without "types": [] and "target": "esnext" to change; the README needs updating:\n${tsconfig}`);
  }
  writeFileSync(join(dir, "tsconfig.json"), edited);
  writeFiles(app, dir);
  sh("npx tsc --noEmit", dir, env);
  step("the Quickstart type-checks under tsc --init's settings");

  const [worker, scheduler, ...rest] = app.run.map((command, i) => (i < app.run.length - 1 ? start(command, dir, env) : undefined));
  const enqueue = app.run.at(-1)!;
  if (!worker || !scheduler || rest.some((r) => r !== undefined)) throw new Error(`expected the run block to start a worker and a scheduler, then enqueue: ${app.run.join(" | ")}`);
  await waitFor("the worker to start", () => (logs(worker).some((e) => e.msg === "worker started") ? true : undefined), [worker, scheduler]);
  sh(enqueue, dir, env);
  await checkRetries(worker, [worker, scheduler]);
  await waitFor("the cron job to fire", () => (logs(worker).some((e) => e.msg === "report built") ? true : undefined), [worker, scheduler], 30_000);
  step("the cron job fired");
  await stopWithCtrlC([worker, scheduler]);

  // Production: compile, then run the compiled jobs with the binary itself.
  const [compile, production] = app.production;
  if (!compile || !production) throw new Error(`expected a compile and a run line for production: ${app.production.join(" | ")}`);
  sh(compile, dir, env);
  sh("node enqueue.js", dir, env);
  const compiled = start(`INTERVAL=0 ${production}`, dir, env); // INTERVAL=0: exits once the queues are empty
  const code = await compiled.exited;
  if (code !== 0 || invoiceRuns(compiled).failures.length !== 1) {
    throw new Error(`the compiled worker should run attempt 0 (and schedule its retry), exit code ${code}:\n${compiled.output()}`);
  }
  step("the compiled jobs (tsc, target ES2022) run under node_modules/.bin/resque");
}

async function cjsApp(app: QuickstartApp, dir: string, tarball: string, env: NodeJS.ProcessEnv): Promise<void> {
  step(`CommonJS app in ${dir}`);
  sh("npm init -y", dir, env);
  sh(asWritten("npm install resque-ts", tarball), dir, env);
  writeFiles(app, dir);
  // The types reach plain JavaScript through require (index.d.cts).
  sh(asWritten("npm install -D typescript @types/node", tarball), dir, env);
  sh("npx tsc --init", dir, env);
  const tsconfig = readFileSync(join(dir, "tsconfig.json"), "utf8").replace(/"types":\s*\[\s*\]/, '"types": ["node"]');
  writeFileSync(join(dir, "tsconfig.json"), tsconfig);
  sh("npx tsc --noEmit --allowJs --checkJs", dir, env);
  step("the CommonJS Quickstart type-checks as JavaScript (checkJs)");

  const starts = app.run.slice(0, -1).map((command) => start(command, dir, env));
  const worker = starts[0]!;
  await waitFor("the worker to start", () => (logs(worker).some((e) => e.msg === "worker started") ? true : undefined), starts);
  sh(app.run.at(-1)!, dir, env);
  await checkRetries(worker, starts);
  await stopWithCtrlC(starts);
}

/** Ctrl-C in each terminal: the processes say they stopped (the worker requeues nothing here) and exit. */
async function stopWithCtrlC(runs: Running[]): Promise<void> {
  for (const run of runs) interrupt(run);
  await Promise.all(runs.map((r) => r.exited));
  for (const run of runs) {
    if (!logs(run).some((e) => e.msg === "worker stopped" || e.msg === "scheduler stopped")) {
      throw new Error(`Ctrl-C should stop \`${run.command}\` cleanly:\n${run.output()}`);
    }
  }
  step("Ctrl-C stopped them cleanly");
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), "resque-ts-pack-"));
  let redis: RedisServer | undefined;
  try {
    step("npm pack (prepack builds the package)");
    const packed = sh(`npm pack --pack-destination ${work} --silent`, root).trim().split("\n").at(-1)!;
    const tarball = join(work, packed);
    sh(`npx publint run --strict ${tarball}`, root);
    sh(`npx attw ${tarball}`, root);
    step("publint and attw pass on the tarball");

    const guide = quickstart(readFileSync(join(root, "README.md"), "utf8"));
    redis = await RedisServer.start();
    const env = { ...process.env, REDIS_URL: redis.url, LOG_FORMAT: "json", npm_config_update_notifier: "false" };
    for (const name of ["esm", "cjs"]) mkdirSync(join(work, name));
    await esmApp(guide.esm, join(work, "esm"), tarball, env);
    const client = redis.client();
    await client.flushall();
    await client.quit();
    await cjsApp(guide.cjs, join(work, "cjs"), tarball, env);
    step("done");
  } finally {
    killAll();
    await redis?.close();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  killAll();
  process.exit(1);
});
