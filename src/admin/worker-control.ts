/**
 * Remote control of workers for applications, the CLI and dashboards:
 * `resque.control.pause({ host: "web1" })`, `.resume(...)`, `.stop(...)`, `.kill(...)`.
 * Targets: `{ all: true }`, `{ host }` or `{ worker: id }` (the process owning that id).
 */
import type { ControlStore } from "../redis/stores/control-store.js";
import { checkTarget, targetKey, type ControlCommand, type ControlTarget } from "../worker/control.js";

export class WorkerControl {
  /** `ready` resolves once Redis is reachable, or rejects after the connection timeout. */
  constructor(
    private readonly store: ControlStore,
    private readonly ready: () => Promise<void> = () => Promise.resolve(),
  ) {}

  /**
   * Pauses: running jobs finish, no new ones start, until resume. `{ all: true }` sets Ruby
   * Resque's `pause-all-workers`, so Ruby workers pause too. Kept in Redis: workers that start
   * later are paused as well.
   */
  async pause(target: ControlTarget): Promise<void> {
    await this.ready();
    const checked = checkTarget(target);
    const key = targetKey(checked);
    if (key) await this.store.setPaused(key, true);
    else await this.store.setPauseAll(true);
    await this.#send({ action: "pause", target: checked });
  }

  /** Resumes. `{ all: true }` clears `pause-all-workers` and every host and worker pause. */
  async resume(target: ControlTarget): Promise<void> {
    await this.ready();
    const checked = checkTarget(target);
    const key = targetKey(checked);
    if (key) {
      await this.store.setPaused(key, false);
    } else {
      await this.store.setPauseAll(false);
      for (const paused of await this.store.pausedTargets()) await this.store.setPaused(paused, false);
    }
    await this.#send({ action: "resume", target: checked });
  }

  /** Asks the targeted worker processes to finish their running jobs and exit (QUIT). Returns how many processes listened. */
  async stop(target: ControlTarget): Promise<number> {
    await this.ready();
    return this.#send({ action: "stop", target: checkTarget(target) });
  }

  /** Asks the targeted worker processes to stop now, requeueing their running jobs (TERM). */
  async kill(target: ControlTarget): Promise<number> {
    await this.ready();
    return this.#send({ action: "kill", target: checkTarget(target) });
  }

  /** What is paused now: the pause-all switch and each paused host or worker. */
  async paused(): Promise<{ all: boolean; targets: string[] }> {
    await this.ready();
    const [all, targets] = await Promise.all([this.store.pauseAll(), this.store.pausedTargets()]);
    return { all, targets };
  }

  #send(command: ControlCommand): Promise<number> {
    return this.store.publish(JSON.stringify(command));
  }
}
