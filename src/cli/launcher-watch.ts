/**
 * A command started through npm (`npx resque work`, `npm exec`, an `npm run` script) sits under
 * `npm → sh -c → node`. npm 11 passes TERM on to the `sh`, which dies without passing it further,
 * and QUIT, HUP, USR1, USR2 simply end npm: either way our process is left running without the
 * supervisor that meant to stop it (docs/operations.md, "Signals through npx and npm run").
 * So when npm has started us, we watch it, and treat its end as the signal that never came.
 */
import { readFileSync } from "node:fs";

/** The npm process this one runs under, or undefined when npm did not start it. */
export function findLauncher(env: NodeJS.ProcessEnv = process.env): number | undefined {
  if (!env.npm_command || !env.npm_execpath) return undefined;
  let pid = process.ppid;
  // npm itself, or npm → sh -c → us: look a few generations up for the process titled "npm ...".
  for (let depth = 0; depth < 3 && pid > 1; depth++) {
    const stat = procStat(pid);
    if (!stat) break;
    if (/^npm\b/.test(stat.command) || stat.command.includes("npm-cli")) return pid;
    pid = stat.parent;
  }
  return process.ppid > 1 ? process.ppid : undefined;
}

function procStat(pid: number): { command: string; parent: number } | undefined {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    return Number.isInteger(parent) ? { command, parent } : undefined;
  } catch {
    return undefined; // no /proc (macOS): fall back to watching the parent
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Calls `onGone(launcherPid)` once, within about `everyMs`, after the npm process that started
 * this one (or our parent) has exited. Does nothing when npm did not start us. Returns a stop function.
 */
export function watchLauncher(onGone: (launcher: number) => void, options: { env?: NodeJS.ProcessEnv; everyMs?: number } = {}): () => void {
  const launcher = findLauncher(options.env);
  if (launcher === undefined) return () => {};
  const parent = process.ppid;
  const timer = setInterval(() => {
    if (process.ppid === parent && alive(launcher)) return;
    clearInterval(timer);
    onGone(launcher);
  }, options.everyMs ?? 1000);
  timer.unref();
  return () => clearInterval(timer);
}
