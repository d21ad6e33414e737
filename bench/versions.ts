/** Versions of the installed packages and of the machine, for the report. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, totalmem, release, type } from "node:os";

const root = new URL("../", import.meta.url);

export function packageVersion(name: string): string {
  const file = new URL(`node_modules/${name}/package.json`, root);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export function redisServerVersion(): string {
  const out = execFileSync("redis-server", ["--version"], { encoding: "utf8" });
  return /v=(\S+)/.exec(out)?.[1] ?? out.trim();
}

export function machineDescription(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU";
  const memGiB = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu.length} × ${model}, ${memGiB} GiB RAM, ${type()} ${release()}, Node ${process.versions.node}, redis-server ${redisServerVersion()}`;
}
