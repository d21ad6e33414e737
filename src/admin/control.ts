/**
 * Remote control of worker processes on any host (see src/worker/control.ts for how workers hear
 * it). Pause and resume are kept in Redis, so workers that start later honour them; `{ all: true }`
 * uses Ruby Resque's `pause-all-workers`, which Ruby workers honour too. Stop and kill reach the
 * resque-ts processes listening at that moment.
 */
import type { ControlStore } from "../redis/stores/control-store.js";
import { checkTarget, targetKey, type ControlCommand, type ControlTarget } from "../worker/control.js";

/** Pauses the target. */
export async function pause(store: ControlStore, target: ControlTarget): Promise<number> {
  const checked = checkTarget(target);
  const key = targetKey(checked);
  if (key) await store.setPaused(key, true);
  else await store.setPauseAll(true);
  return send(store, { action: "pause", target: checked });
}

/** Resumes the target; `{ all: true }` also clears every host and worker pause. */
export async function resume(store: ControlStore, target: ControlTarget): Promise<number> {
  const checked = checkTarget(target);
  const key = targetKey(checked);
  if (key) {
    await store.setPaused(key, false);
  } else {
    await store.setPauseAll(false);
    for (const paused of await store.pausedTargets()) await store.setPaused(paused, false);
  }
  return send(store, { action: "resume", target: checked });
}

/** Sends a one-shot command (stop, kill). Returns how many processes heard it. */
export function command(store: ControlStore, action: "stop" | "kill", target: ControlTarget): Promise<number> {
  return send(store, { action, target: checkTarget(target) });
}

function send(store: ControlStore, command: ControlCommand): Promise<number> {
  return store.publish(JSON.stringify(command));
}
