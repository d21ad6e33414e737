/**
 * Which shard owns a queue: an explicit assignment when the configuration names the queue,
 * otherwise a jump consistent hash of the queue name over the shard list. The hash is stable
 * (the same name maps to the same shard in every process and every version) and, when a shard is
 * appended to the list, moves only about 1/(n+1) of the hashed queues, all onto the new shard.
 */

/** FNV-1a, 64 bits, of the UTF-8 bytes of `text`. */
function fnv1a64(text: string): bigint {
  let hash = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash;
}

/** Lamping and Veach's jump consistent hash: a bucket in [0, buckets) for a 64-bit key. */
function jumpHash(key: bigint, buckets: number): number {
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    key = (key * 2862933555777941757n + 1n) & 0xffffffffffffffffn;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(key >> 33n) + 1)));
  }
  return b;
}

/** The shard index a hashed queue name lands on among `shardCount` shards. */
export function hashedShardOf(queue: string, shardCount: number): number {
  return jumpHash(fnv1a64(queue), shardCount);
}

/** Maps queue names to shard indexes; remembers answers (a process uses few queue names). */
export class QueueRouter {
  readonly #assigned: ReadonlyMap<string, number>;
  readonly #shardCount: number;
  readonly #cache = new Map<string, number>();

  constructor(shardCount: number, assigned: ReadonlyMap<string, number>) {
    this.#shardCount = shardCount;
    this.#assigned = assigned;
  }

  /** The index of the shard that owns `queue`. */
  shardOf(queue: string): number {
    const explicit = this.#assigned.get(queue);
    if (explicit !== undefined) return explicit;
    let index = this.#cache.get(queue);
    if (index === undefined) {
      index = hashedShardOf(queue, this.#shardCount);
      if (this.#cache.size < 10_000) this.#cache.set(queue, index);
    }
    return index;
  }

  /** Whether the configuration names this queue's shard (rather than the hash choosing it). */
  isAssigned(queue: string): boolean {
    return this.#assigned.has(queue);
  }
}
