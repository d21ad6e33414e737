/**
 * Script calls for connections that send one call at a time (the work loop's), made without the
 * closures ioredis gives every command.
 *
 * Why: an ioredis command settles through closures that capture the command itself (its resolve
 * and reject), and a command of a defined script adds one more that also captures the call's
 * arguments (its NOSCRIPT retry). While the functions that create those closures still run
 * unoptimised, V8 (11.3, Node 20) keeps such a command — with its arguments and its reply —
 * through every young-generation collection until the next full one. Those functions are
 * optimised only after thousands of calls, and a worker makes one call per work cycle (one per 50
 * jobs at concurrency 50), so in a drain of 50,000 jobs every cycle's arguments and reply were
 * promoted: 26 MB of old-space growth and about 16 MB more peak RSS (bench/NOTES.md, S5).
 *
 * Here a command settles through methods and a bound function that capture nothing of the call,
 * and a NOSCRIPT reply is answered by sending the script's source once. A client with
 * auto-pipelining keeps the defined-script path: a command sent directly would overtake the calls
 * still waiting in its pipeline.
 */
import { createHash } from "node:crypto";
import { Command } from "ioredis";
import type { RedisClient } from "../connection.js";
import { loadScripts, runScript } from "./load.js";

type Argument = string | number | Buffer;

interface Settlers {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

function captureSettlers(this: Settlers, resolve: (value: unknown) => void, reject: (error: Error) => void): void {
  this.resolve = resolve;
  this.reject = reject;
}

/** What of ioredis' Command the replacement methods below use (some of it is private there). */
interface CommandInternals {
  settlers: Settlers;
  isResolved: boolean;
  promise: Promise<unknown>;
  resolve: (reply: unknown) => void;
  reject: (error: Error) => void;
  stringifyArguments(): void;
  transformReply(reply: unknown): unknown;
  _clearTimers?: () => void;
}

class DirectCommand extends Command {}

// ioredis' Command calls initPromise() from its constructor; this one sets the same fields
// (promise, resolve, reject; arguments stringified) without a closure per command. Should a later
// ioredis stop calling it, commands keep ioredis' own closures and work as before.
Object.defineProperty(DirectCommand.prototype, "initPromise", {
  value: function initPromise(this: CommandInternals): void {
    this.stringifyArguments();
    const settlers = {} as Settlers;
    this.settlers = settlers;
    this.promise = new Promise(captureSettlers.bind(settlers));
    this.resolve = resolveCommand;
    this.reject = rejectCommand;
  },
});

function resolveCommand(this: CommandInternals, reply: unknown): Promise<unknown> {
  try {
    this._clearTimers?.();
    this.settlers.resolve(this.transformReply(reply));
    this.isResolved = true;
  } catch (error) {
    this.reject(error as Error);
  }
  return this.promise;
}

function rejectCommand(this: CommandInternals, error: Error): void {
  this._clearTimers?.();
  this.settlers.reject(error);
}

const shas = new Map<string, string>();

function shaOf(name: string, lua: string): string {
  let sha = shas.get(name);
  if (!sha) shas.set(name, (sha = createHash("sha1").update(lua).digest("hex")));
  return sha;
}

function send(client: RedisClient, name: "evalsha" | "eval", head: string, keys: string[], args: Argument[]): Promise<unknown> {
  const options = { replyEncoding: "utf8" as const, keyPrefix: client.options.keyPrefix };
  return client.sendCommand(new DirectCommand(name, [head, keys.length, ...keys, ...args], options)) as Promise<unknown>;
}

/** Runs a script like runScript (keys first, then arguments), without per-call closures. */
export async function runScriptDirect(client: RedisClient, name: string, keys: string[], args: Argument[]): Promise<unknown> {
  if (client.options.enableAutoPipelining) return runScript(client, name, keys, args);
  const lua = loadScripts().get(name);
  if (lua === undefined) throw new Error(`resque-ts: unknown Lua script ${name}`);
  try {
    return await send(client, "evalsha", shaOf(name, lua), keys, args);
  } catch (error) {
    // The server does not know the script (first use, or restarted): nothing ran, so send it whole.
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return await send(client, "eval", lua, keys, args);
  }
}
