/**
 * Reads the Redis dumps made by real Ruby Resque 2.7 / resque-scheduler 4.11 / resque-retry 1.8
 * (test/golden/, see its README).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface GoldenKey {
  key: string;
  type: "string" | "list" | "set" | "zset" | "hash";
  ttl: number;
  value: unknown;
}

const dir = fileURLToPath(new URL("../golden/", import.meta.url));

export function golden(name: string): GoldenKey[] {
  return (JSON.parse(readFileSync(`${dir}${name}`, "utf8")) as { keys: GoldenKey[] }).keys;
}

export function goldenKey(name: string, key: string): GoldenKey {
  const found = golden(name).find((k) => k.key === key);
  if (!found) throw new Error(`golden ${name} has no key ${key}`);
  return found;
}
