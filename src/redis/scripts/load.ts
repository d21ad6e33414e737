/**
 * Loads the Lua scripts of this folder and registers each as an ioredis command, so calls go out
 * as EVALSHA (with an automatic EVAL fallback) and work inside pipelines and on Cluster.
 * The .lua files sit next to this module in the source tree and next to the bundle in dist/.
 */
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { RedisClient } from "../connection.js";

function scriptsDirectory(): string {
  const candidates = [new URL("./", import.meta.url), new URL("./scripts/", import.meta.url), new URL("../scripts/", import.meta.url)];
  for (const candidate of candidates) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}/work-cycle.lua`)) return dir;
  }
  throw new Error(`resque-ts: Lua scripts not found next to ${fileURLToPath(import.meta.url)}`);
}

let cache: Map<string, string> | undefined;

/** Replaces each `--!include name.lua` line with that file from includes/ (shared helpers). */
function expandIncludes(dir: string, source: string): string {
  return source.replace(/^--!include (\S+)$/gm, (_, file: string) => readFileSync(`${dir}/includes/${file}`, "utf8"));
}

/** name (file name without .lua, camel-cased) → Lua source */
export function loadScripts(): Map<string, string> {
  if (cache) return cache;
  const dir = scriptsDirectory();
  cache = new Map();
  for (const file of readdirSync(dir)) {
    if (!file.endsWith(".lua")) continue;
    const name = file.slice(0, -4).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
    cache.set(name, expandIncludes(dir, readFileSync(`${dir}/${file}`, "utf8")));
  }
  return cache;
}

const registered = new WeakSet<object>();

export function defineScripts(client: RedisClient): void {
  if (registered.has(client)) return;
  for (const [name, lua] of loadScripts()) {
    client.defineCommand(`resque_${name}`, { lua });
  }
  registered.add(client);
}

type ScriptCall = (numberOfKeys: number, ...keysAndArgs: (string | number | Buffer)[]) => Promise<unknown>;

/** Runs a registered script: keys first (they route the call on Cluster), then arguments. */
export function runScript(client: RedisClient, name: string, keys: string[], args: (string | number | Buffer)[]): Promise<unknown> {
  defineScripts(client);
  const call = (client as unknown as Record<string, ScriptCall>)[`resque_${name}`];
  if (!call) throw new Error(`resque-ts: unknown Lua script ${name}`);
  return call.call(client, keys.length, ...keys, ...args);
}
