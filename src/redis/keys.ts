/**
 * Every Redis key name the library uses, in one place. Names follow Ruby Resque,
 * resque-scheduler and resque-retry (see docs/redis-layout.md); keys of our own sit beside them.
 * Only key names carry the namespace; values (such as `delayed:<ts>` members) never do.
 */

/** Turns a user namespace ("resque", "resque:", "{resque}", "resque:App") into a key prefix ending in ":". */
export function namespacePrefix(namespace: string | undefined): string {
  const ns = namespace ?? "resque";
  if (ns === "") return "";
  return ns.endsWith(":") ? ns : `${ns}:`;
}

export class Keys {
  constructor(readonly prefix: string) {}

  /** The un-namespaced form of a key, as Ruby stores it inside values. */
  raw(key: string): string {
    return key.startsWith(this.prefix) ? key.slice(this.prefix.length) : key;
  }

  // Core Resque
  get queues(): string {
    return `${this.prefix}queues`;
  }
  queue(name: string): string {
    return `${this.prefix}queue:${name}`;
  }
  get workers(): string {
    return `${this.prefix}workers`;
  }
  worker(id: string): string {
    return `${this.prefix}worker:${id}`;
  }
  workerStarted(id: string): string {
    return `${this.prefix}worker:${id}:started`;
  }
  get heartbeats(): string {
    return `${this.prefix}workers:heartbeat`;
  }
  get processed(): string {
    return `${this.prefix}stat:processed`;
  }
  get failedCount(): string {
    return `${this.prefix}stat:failed`;
  }
  workerProcessed(id: string): string {
    return `${this.prefix}stat:processed:${id}`;
  }
  workerFailed(id: string): string {
    return `${this.prefix}stat:failed:${id}`;
  }
  get failed(): string {
    return `${this.prefix}failed`;
  }
  get pruneLock(): string {
    return `${this.prefix}pruning_dead_workers_in_progress`;
  }
  get pauseAll(): string {
    return `${this.prefix}pause-all-workers`;
  }

  // Our own keys (documented in docs/redis-layout.md)
  /** Hash: worker id → heartbeat interval (s), for every worker run by resque-ts. */
  get ourWorkers(): string {
    return `${this.prefix}resque-ts:workers`;
  }
  /** Pub/sub channel: remote-control commands for workers (JSON, see worker/control.ts). */
  get controlChannel(): string {
    return `${this.prefix}resque-ts:control`;
  }
  /** Hash: "host:<name>" or "worker:<id>" → "1" while that host or worker is paused by remote control. */
  get pausedTargets(): string {
    return `${this.prefix}resque-ts:paused`;
  }
  /** Pub/sub channel: our enqueue publishes the queue name so idle workers wake at once. */
  get wakeupChannel(): string {
    return `${this.prefix}wakeup`;
  }
}
