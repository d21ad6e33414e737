/**
 * The built `resque` command for CLI tests. It is built once per state of the sources into a
 * private directory (node_modules/.cache/resque-ts-cli/<hash>, through tsup.config.ts's
 * RESQUE_TS_BUILD_DIR), so test files share one build and a concurrent `npm run build` cannot pull
 * dist/ from under them. Commands run as a user runs them: a child process with pipes, or a
 * pseudo-terminal (util-linux `script`) when a test needs a terminal.
 */
import { execFile, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { promisify } from "node:util";

const root = new URL("../../", import.meta.url).pathname;
const cache = join(root, "node_modules/.cache/resque-ts-cli");

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? files(path) : [path];
  });
}

/** A hash of everything the build reads. */
function sourceHash(): string {
  const hash = createHash("sha1");
  for (const file of [...files(join(root, "src")), join(root, "tsup.config.ts"), join(root, "package.json")].sort()) {
    hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/** Builds (or reuses) the private build; returns the path of its `resque` command. */
export async function buildCli(): Promise<string> {
  const dir = join(cache, sourceHash());
  const command = join(dir, "cli/resque.cjs");
  const done = join(dir, ".complete");
  const lock = `${dir}.lock`;
  mkdirSync(cache, { recursive: true });
  for (;;) {
    if (existsSync(done)) return command;
    try {
      mkdirSync(lock);
    } catch {
      // Another test file is building it: wait for it, or take over a lock left by a dead build.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 180_000) rmSync(lock, { recursive: true, force: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
      continue;
    }
    try {
      if (existsSync(done)) return command;
      rmSync(dir, { recursive: true, force: true });
      await promisify(execFile)(process.execPath, [join(root, "node_modules/tsup/dist/cli-default.js")], {
        cwd: root,
        env: { ...process.env, RESQUE_TS_BUILD_DIR: dir },
      });
      writeFileSync(done, "");
      for (const old of readdirSync(cache)) {
        if (!dir.endsWith(old) && !old.endsWith(".lock")) rmSync(join(cache, old), { recursive: true, force: true });
      }
      return command;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock milliseconds the command took. */
  ms: number;
}

export interface CliRun {
  /** Writes to the command's stdin. */
  write(text: string): void;
  /** Sends a signal to the command. */
  kill(signal: NodeJS.Signals): void;
  /** Everything written to stdout so far. */
  stdout(): string;
  /** Resolves once stdout contains `text` (rejects if the command ends first). */
  output(text: string): Promise<void>;
  done: Promise<CliResult>;
}

/** Starts `resque <args>` with pipes (no terminal: plain text, no prompts). */
export function startCli(command: string, args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
  return start(process.execPath, [command, ...args], env);
}

/** Runs `resque <args>` to the end, with `input` on stdin. */
export function runCli(command: string, args: readonly string[], env: Record<string, string | undefined> = {}, input = ""): Promise<CliResult> {
  const run = startCli(command, args, env);
  run.write(input);
  return run.done;
}

/**
 * Starts `resque <args>` on a pseudo-terminal (stdin, stdout and stderr are a terminal), as a
 * person at a terminal runs it; what it prints arrives on `stdout()` with the terminal's \r\n.
 */
export function startCliOnTerminal(command: string, args: readonly string[], env: Record<string, string | undefined> = {}): CliRun {
  const line = [process.execPath, command, ...args].map((word) => `'${word.replace(/'/g, "'\\''")}'`).join(" ");
  return start("script", ["-qfec", `stty cols 160; exec ${line}`, "/dev/null"], { COLUMNS: "160", ...env }, false);
}

function start(file: string, args: readonly string[], env: Record<string, string | undefined>, closeInput = true): CliRun {
  const started = Date.now();
  const merged: Record<string, string | undefined> = { ...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, ...env };
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key];
  const child = spawn(file, args, { cwd: root, env: merged as NodeJS.ProcessEnv, stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of waiters.filter((w) => stdout.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliResult>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr, ms: Date.now() - started })));
  let pending = "";
  return {
    write(text) {
      pending += text;
      if (closeInput) {
        child.stdin.end(pending);
        pending = "";
      } else {
        child.stdin.write(text);
      }
    },
    kill: (signal) => child.kill(signal),
    stdout: () => stdout,
    output: (text) =>
      stdout.includes(text)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ text, resolve });
            void done.then(() => reject(new Error(`the command ended before printing ${JSON.stringify(text)}:\n${stdout}\n${stderr}`)));
          }),
    done,
  };
}
