/**
 * The heartbeat thread of a worker process (started by heartbeat.ts). It beats on its own Redis
 * connection, so a long synchronous job on the main thread does not make the worker look dead
 * (Ruby Resque's heartbeat is a thread too), and it is the watchdog of that main thread: when the
 * event loop has been blocked past a running job's timeout and grace, it logs why and ends the
 * process, whose jobs pruning then requeues (and the poison guard fails after repeated deaths).
 */
import { writeSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { DataStore } from "../redis/store.js";
import { isoWithOffset } from "../redis/time-formats.js";
import { LOOP_TICK, type HeartbeatThreadData, type HeartbeatThreadMessage } from "./heartbeat-protocol.js";

const data = workerData as HeartbeatThreadData;
const store = new DataStore({ redis: data.connection, namespace: data.namespace });
store.client.on("error", () => {}); // reconnects by itself; a late beat is reported below
const shared = new Float64Array(data.shared);
let beating = false;
let failures = 0;

function post(message: HeartbeatThreadMessage): void {
  parentPort?.postMessage(message);
}

async function beat(): Promise<void> {
  if (beating) return; // the previous beat still waits for Redis
  beating = true;
  try {
    const now = new Date(await store.time());
    const missing = await store.workers.heartbeat(data.ids, isoWithOffset(now));
    if (failures > 0) post({ type: "beat-restored" });
    failures = 0;
    if (missing.length > 0) post({ type: "unregistered", ids: missing });
  } catch (error) {
    if (failures++ === 0) post({ type: "beat-failed", message: (error as Error).message });
  } finally {
    beating = false;
  }
}

/**
 * Slot deadlines are written by the main thread when a job with a timeout starts (start + timeout
 * + grace, epoch ms) and cleared when it ends. A deadline that has passed while the loop has not
 * ticked for a while means the loop is stuck in that job's synchronous code: nothing on the main
 * thread can stop it any more.
 */
function watch(): void {
  const now = Date.now();
  const lastTick = shared[LOOP_TICK]!;
  if (now - lastTick < data.blockedAfterMs) return;
  for (let slot = 1; slot < shared.length; slot++) {
    const deadline = shared[slot]!;
    if (deadline > 0 && now > deadline) {
      const line = {
        level: 60,
        time: now,
        pid: process.pid,
        worker: data.ids[slot - 1],
        blockedMs: Math.round(now - lastTick),
        msg: "the event loop is blocked past a job's timeout and grace; ending the process so the job is requeued (a supervisor should restart it)",
      };
      writeSync(2, `${JSON.stringify(line)}\n`);
      process.kill(process.pid, "SIGKILL");
    }
  }
}

// The main thread ends this thread with terminate(); its connection ends with it.
setInterval(() => void beat(), data.intervalMs);
setInterval(watch, data.watchEveryMs);
