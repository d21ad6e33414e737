/**
 * The heartbeat thread of a worker process (started by heartbeat.ts). It watches the main thread's
 * event loop by pings the loop answers in shared memory (loop-watch.ts):
 *
 * - While the loop is blocked (a long synchronous job), the main thread cannot send heartbeats, and
 *   other hosts would prune a worker that is working: the thread sends them instead, on a Redis
 *   connection of its own (Ruby Resque's heartbeat is a thread too). It loads that connection the
 *   first time the loop blocks, so a worker whose loop never blocks carries no second Redis client.
 * - When the loop has been blocked past a running job's timeout and grace, nothing on the main
 *   thread can stop that job any more: the thread logs why and ends the process, whose jobs
 *   pruning then requeues (and the poison guard fails after repeated deaths).
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { FIRST_DEADLINE, LAST_BEAT, LOOP_ANSWER, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";
import { LoopWatch } from "./loop-watch.js";

const data = workerData as HeartbeatThreadData;
const shared = new Float64Array(data.shared);
const watch = new LoopWatch(data.timing);
let send: Promise<() => Promise<string[]>> | undefined;
let beating = false;
let failures = 0;

function post(message: HeartbeatThreadMessage): void {
  parentPort?.postMessage(message);
}

/** The sender module sits next to this one (heartbeat-beat.ts in the source tree, .js in dist/). */
function loadSender(): Promise<() => Promise<string[]>> {
  const here = import.meta.url;
  const url = new URL(here.endsWith(".ts") ? "./heartbeat-beat.ts" : "./heartbeat-beat.js", here);
  return import(url.href).then((module: typeof import("./heartbeat-beat.js")) => module.threadHeartbeat(data));
}

async function beat(): Promise<void> {
  if (beating) return; // the previous beat still waits for Redis
  beating = true;
  try {
    send ??= loadSender();
    const missing = await (await send)();
    shared[LAST_BEAT] = Date.now();
    if (failures > 0) post({ type: "beat-restored" });
    failures = 0;
    if (missing.length > 0) post({ type: "unregistered", ids: missing });
  } catch (error) {
    if (failures++ === 0) post({ type: "beat-failed", message: (error as Error).message });
  } finally {
    beating = false;
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

/**
 * Slot deadlines are written by the main thread when a job with a timeout starts (start + timeout
 * + grace, epoch ms) and cleared when it ends. A deadline that has passed while the loop leaves
 * pings unanswered means the loop is stuck in that job's synchronous code.
 */
function look(): void {
  const now = Date.now();
  let anyDeadline = false;
  for (let slot = FIRST_DEADLINE; slot < shared.length; slot++) if (shared[slot]! > 0) anyDeadline = true;
  const seen = watch.look(now, { answered: shared[LOOP_ANSWER]!, lastBeatAt: shared[LAST_BEAT]!, anyDeadline });
  if (seen.ping !== undefined) post({ type: "ping", number: seen.ping });
  if (seen.blocked) {
    for (let slot = FIRST_DEADLINE; slot < shared.length; slot++) {
      const deadline = shared[slot]!;
      if (deadline > 0 && now > deadline) endProcess(data.ids[slot - FIRST_DEADLINE], now, seen.waitedMs);
    }
    if (now - shared[LAST_BEAT]! >= data.intervalMs) void beat();
  }
  setTimeout(look, watch.nextLookInMs(anyDeadline));
}

// The main thread ends this thread with terminate(); a connection it opened ends with it.
look();
