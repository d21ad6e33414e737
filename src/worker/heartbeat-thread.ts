/**
 * The heartbeat thread of a worker process (started by heartbeat-thread-host.ts; one per process,
 * serving every worker in it). It watches the main thread's event loop by pings the loop answers
 * in shared memory (loop-watch.ts):
 *
 * - While the loop is blocked (a long synchronous job), the main thread cannot send heartbeats, and
 *   other hosts would prune a worker that is working: the thread sends them instead, on a Redis
 *   connection of its own per worker (Ruby Resque's heartbeat is a thread too). It loads that
 *   connection the first time the loop blocks, so a process whose loop never blocks carries no
 *   second Redis client.
 * - When the loop has been blocked past a running job's timeout and grace, nothing on the main
 *   thread can stop that job any more: the thread logs why and ends the process, whose jobs
 *   pruning then requeues (and the poison guard fails after repeated deaths).
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import type { ThreadSender } from "./heartbeat-beat.js";
import { FIRST_DEADLINE, LAST_BEAT, LOOP_ANSWER, type HeartbeatHostMessage, type HeartbeatRegistration, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";
import { beatOverdue, LoopWatch, loopWatchTiming, strictestTiming, type LoopWatchTiming } from "./loop-watch.js";

/** A worker the thread watches: its registration, and its sender once the loop has blocked. */
interface Watched {
  registration: HeartbeatRegistration;
  shared: Float64Array;
  timing: LoopWatchTiming;
  sender?: ThreadSender;
  beating: boolean;
  failures: number;
}

const loop = new Float64Array((workerData as HeartbeatThreadData).loop);
const watched = new Map<number, Watched>();
let watch: LoopWatch | undefined;
let nextLook: NodeJS.Timeout | undefined;
let senderModule: Promise<typeof import("./heartbeat-beat.js")> | undefined;

function post(message: HeartbeatThreadMessage): void {
  parentPort?.postMessage(message);
}

/** The sender module sits next to this one (heartbeat-beat.ts in the source tree, .js in dist/). */
function loadSenderModule(): Promise<typeof import("./heartbeat-beat.js")> {
  const here = import.meta.url;
  const url = new URL(here.endsWith(".ts") ? "./heartbeat-beat.ts" : "./heartbeat-beat.js", here);
  senderModule ??= import(url.href) as Promise<typeof import("./heartbeat-beat.js")>;
  return senderModule;
}

async function beat(number: number, worker: Watched): Promise<void> {
  if (worker.beating) return; // the previous beat still waits for Redis
  worker.beating = true;
  try {
    const module = await loadSenderModule();
    if (!watched.has(number)) return; // unwatched while the module loaded: no connection to leave open
    worker.sender ??= module.threadHeartbeat(worker.registration);
    const missing = await worker.sender.send();
    worker.shared[LAST_BEAT] = Date.now();
    if (worker.failures > 0) post({ type: "beat-restored", watch: number });
    worker.failures = 0;
    if (missing.length > 0) post({ type: "unregistered", watch: number, ids: missing });
  } catch (error) {
    if (watched.has(number) && worker.failures++ === 0) post({ type: "beat-failed", watch: number, message: (error as Error).message });
  } finally {
    worker.beating = false;
  }
}

/** Says why on stderr (a pino-shaped fatal line) and ends the process, whose jobs pruning then requeues. */
function endProcess(worker: string | undefined, now: number, blockedMs: number): void {
  const line = {
    level: 60,
    time: now,
    pid: process.pid,
    worker,
    blockedMs: Math.round(blockedMs),
    msg: "the event loop is blocked past a job's timeout and grace; ending the process so the job is requeued (a supervisor should restart it)",
  };
  writeSync(2, `${JSON.stringify(line)}\n`);
  process.kill(process.pid, "SIGKILL");
}

function hasDeadline(worker: Watched): boolean {
  for (let slot = FIRST_DEADLINE; slot < worker.shared.length; slot++) if (worker.shared[slot]! > 0) return true;
  return false;
}

/**
 * Slot deadlines are written by the main thread when a job with a timeout starts (start + timeout
 * + grace, epoch ms) and cleared when it ends. A deadline that has passed while the loop leaves
 * pings unanswered means the loop is stuck in that job's synchronous code.
 */
function look(): void {
  nextLook = undefined;
  if (!watch || watched.size === 0) return;
  const now = Date.now();
  const workers = [...watched];
  const anyDeadline = workers.some(([, w]) => hasDeadline(w));
  const overdue = workers.some(([, w]) => beatOverdue(now, w.shared[LAST_BEAT]!, w.timing));
  const seen = watch.look(now, { answered: loop[LOOP_ANSWER]!, beatOverdue: overdue, anyDeadline });
  if (seen.ping !== undefined) post({ type: "ping", number: seen.ping });
  if (seen.blocked) {
    for (const [, worker] of workers) {
      for (let slot = FIRST_DEADLINE; slot < worker.shared.length; slot++) {
        const deadline = worker.shared[slot]!;
        if (deadline > 0 && now > deadline) endProcess(worker.registration.ids[slot - FIRST_DEADLINE], now, seen.waitedMs);
      }
    }
    for (const [number, worker] of workers) if (now - worker.shared[LAST_BEAT]! >= worker.registration.intervalMs) void beat(number, worker);
  }
  nextLook = setTimeout(look, watch.nextLookInMs(anyDeadline));
}

/** A worker joined or left: the watch follows the one with the shortest interval, and looks again soon. */
function retime(): void {
  const timings = [...watched.values()].map((w) => w.timing);
  if (timings.length === 0) {
    clearTimeout(nextLook);
    nextLook = undefined;
    return;
  }
  const timing = strictestTiming(timings);
  if (watch) watch.timing = timing;
  else watch = new LoopWatch(timing);
  clearTimeout(nextLook);
  nextLook = setTimeout(look, watch.nextLookInMs([...watched.values()].some(hasDeadline)));
}

async function unwatch(number: number): Promise<void> {
  const worker = watched.get(number);
  watched.delete(number);
  retime();
  // Closing waits for a beat in flight (QUIT queues behind it), so none lands after the worker
  // unregisters; an unreachable Redis is given up on by closeClient's own timeout.
  await worker?.sender?.close().catch(() => {});
  post({ type: "unwatched", watch: number });
}

parentPort?.on("message", (message: HeartbeatHostMessage) => {
  if (message.type === "watch") {
    const { registration } = message;
    watched.set(message.watch, {
      registration,
      shared: new Float64Array(registration.shared),
      timing: loopWatchTiming(registration.intervalMs),
      beating: false,
      failures: 0,
    });
    retime();
  } else {
    void unwatch(message.watch);
  }
});
