/**
 * Restores the keys of a golden dump (test/golden/, made by real Ruby Resque) into a Redis, and
 * dumps a Redis in the same shape, so tests can load Ruby's state and compare ours with it.
 */
import type { Redis } from "ioredis";
import { golden, type GoldenKey } from "./golden.js";

/** Writes every key of the dump `name` (or the given keys) by its type, with its TTL. */
export async function loadGolden(client: Redis, name: string | GoldenKey[]): Promise<GoldenKey[]> {
  const keys = typeof name === "string" ? golden(name) : name;
  for (const { key, type, ttl, value } of keys) {
    await client.del(key);
    switch (type) {
      case "string":
        await client.set(key, value as string);
        break;
      case "list":
        await client.rpush(key, ...(value as string[]));
        break;
      case "set":
        await client.sadd(key, ...(value as string[]));
        break;
      case "zset":
        for (const [member, score] of value as [string, number][]) await client.zadd(key, score, member);
        break;
      case "hash":
        await client.hset(key, value as Record<string, string>);
        break;
    }
    if (ttl > 0) await client.expire(key, ttl);
  }
  return keys;
}

/**
 * Every key matching `pattern` in the dump's shape, sorted by key: sets sorted, zsets as
 * [member, score] by score, lists in order. TTLs are -1, or "set" for a key that has one (their
 * seconds depend on when the dump was taken).
 */
export async function dumpRedis(client: Redis, pattern = "*"): Promise<{ key: string; type: string; ttl: number | "set"; value: unknown }[]> {
  const keys = (await client.keys(pattern)).sort();
  const dumped = [];
  for (const key of keys) {
    const type = await client.type(key);
    const ttl = await client.ttl(key);
    let value: unknown;
    if (type === "string") value = await client.get(key);
    else if (type === "list") value = await client.lrange(key, 0, -1);
    else if (type === "set") value = (await client.smembers(key)).sort();
    else if (type === "hash") value = await client.hgetall(key);
    else if (type === "zset") {
      const flat = await client.zrange(key, 0, -1, "WITHSCORES");
      const pairs: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, Number(flat[i + 1])]);
      value = pairs;
    }
    dumped.push({ key, type, ttl: ttl > 0 ? ("set" as const) : ttl, value });
  }
  return dumped;
}

/** A golden dump in dumpRedis's shape (sets sorted, TTLs as -1 or "set"), for comparison. */
export function asDumped(keys: GoldenKey[]): { key: string; type: string; ttl: number | "set"; value: unknown }[] {
  return [...keys]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ key, type, ttl, value }) => ({
      key,
      type,
      ttl: ttl > 0 ? ("set" as const) : ttl,
      value: type === "set" ? [...(value as string[])].sort() : value,
    }));
}
