/**
 * Several scheduler processes share one Redis; the leader is killed with SIGKILL (no chance to
 * release its lock), and then the next leader too. Over a compressed run of cron minutes, every
 * slot must be enqueued exactly once: none twice, none missed across the failovers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { useRedis } from "../helpers/resque.js";

const FIXTURE = fileURLToPath(new URL("../fixtures/scheduler-process.ts", import.meta.url));
const SPEED = 120; // one cron minute every half second

interface Event {
  pid: number;
  event: string;
  slot?: number;
}

class SchedulerProcess {
  readonly events: Event[] = [];
  readonly exited: Promise<void>;
  #listeners: (() => void)[] = [];
  #stderr = "";

  constructor(
    readonly child: ChildProcess,
    readonly name: string,
  ) {
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.events.push(JSON.parse(line) as Event);
      for (const listener of this.#listeners) listener();
    });
    child.stderr!.on("data", (chunk: Buffer) => (this.#stderr += chunk.toString()));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  get fired(): number[] {
    return this.events.filter((e) => e.event === "fired").map((e) => e.slot!);
  }

  /** Resolves when the events seen so far satisfy `test`. */
  until(test: (events: Event[]) => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (test(this.events)) {
          this.#listeners = this.#listeners.filter((l) => l !== check);
          resolve();
        }
      };
      this.#listeners.push(check);
      void this.exited.then(() => reject(new Error(`${this.name} exited before ${what}:\n${this.#stderr}`)));
      check();
    });
  }
}

function isLeader(events: Event[]): boolean {
  const last = events.filter((e) => e.event === "leader" || e.event === "follower").at(-1);
  return last?.event === "leader";
}

describe("scheduler leader killed with SIGKILL", () => {
  const redis = useRedis();

  async function run(count: number) {
    const realStart = Date.now();
    const processes = Array.from({ length: count }, (_, i) => {
      const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
        env: {
          ...process.env,
          REDIS_URL: redis.server().url,
          LOCK_VALUE: `host-${i}:${1000 + i}`,
          CLOCK_START: String(Date.parse("2026-01-01T00:00:00Z")),
          CLOCK_REAL_START: String(realStart),
          CLOCK_SPEED: String(SPEED),
          LOCK_TIMEOUT: "1",
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      return new SchedulerProcess(child, `scheduler ${i}`);
    });
    try {
      await Promise.all(processes.map((p) => p.until((e) => e.some((x) => x.event === "started"), "starting")));
      const killed: SchedulerProcess[] = [];
      for (let round = 0; round < count; round++) {
        const alive = processes.filter((p) => !killed.includes(p));
        // Whoever leads next fires three slots of its own; then it is killed, unless it is the last.
        const waits = alive.map((p) => p.until((e) => isLeader(e) && p.fired.length >= 3, "leading").then(() => p));
        for (const wait of waits) wait.catch(() => undefined); // only the race's outcome matters
        const leader = await Promise.race(waits);
        if (round === count - 1) break;
        leader.child.kill("SIGKILL");
        await leader.exited;
        killed.push(leader);
      }
      const survivors = processes.filter((p) => !killed.includes(p));
      for (const p of survivors) p.child.kill("SIGTERM");
      await Promise.all(survivors.map((p) => p.exited));

      const client = redis.server().client();
      const markers = await client.keys("resque:scheduler:fired:tick:*");
      const slots = markers.map((key) => Number(key.split(":").at(-1))).sort((a, b) => a - b);
      const queued = await client.llen("resque:queue:ticks");
      await client.quit();

      // Exactly one payload per slot, and no slot missing between the first and the last.
      expect(queued).toBe(slots.length);
      expect(slots.length).toBeGreaterThanOrEqual(3 * count);
      slots.forEach((slot, i) => expect(slot).toBe(slots[0]! + 60 * i));
      // Each killed leader and the last one fired slots of their own; no slot was fired by two.
      const firedBy = processes.map((p) => p.fired);
      for (const p of [...killed, processes.find((p) => isLeader(p.events) && !killed.includes(p))!]) expect(p.fired.length).toBeGreaterThanOrEqual(3);
      const all = firedBy.flat();
      expect(new Set(all).size).toBe(all.length);
      for (const slot of all) expect(slots).toContain(slot);
    } finally {
      for (const p of processes) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill("SIGKILL");
    }
  }

  it("two schedulers: the survivor takes over and no cron slot is duplicated or missed", async () => {
    await run(2);
  }, 60_000);

  it("three schedulers: two leaders killed in turn, still every slot exactly once", async () => {
    await run(3);
  }, 60_000);
});
