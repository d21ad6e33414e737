/** Remote control of workers: Ruby's pause-all-workers switch, our paused-targets hash and control channel. */
import type { RedisClient } from "../connection.js";
import type { Keys } from "../keys.js";

export class ControlStore {
  constructor(
    private readonly client: RedisClient,
    private readonly keys: Keys,
  ) {}

  /** Sends a command (JSON) to every listening worker process. Returns how many processes got it. */
  publish(command: string): Promise<number> {
    return this.client.publish(this.keys.controlChannel, command);
  }

  /** Ruby Resque's switch: "true" pauses every worker (ours and Ruby's). */
  async setPauseAll(paused: boolean): Promise<void> {
    if (paused) await this.client.set(this.keys.pauseAll, "true");
    else await this.client.del(this.keys.pauseAll);
  }

  async pauseAll(): Promise<boolean> {
    const value = await this.client.get(this.keys.pauseAll);
    return value !== null && value.trim().toLowerCase() === "true";
  }

  /** Marks a target ("host:<name>" or "worker:<id>") paused or not. */
  async setPaused(target: string, paused: boolean): Promise<void> {
    if (paused) await this.client.hset(this.keys.pausedTargets, target, "1");
    else await this.client.hdel(this.keys.pausedTargets, target);
  }

  /** Which of these targets are paused. */
  async paused(targets: readonly string[]): Promise<boolean[]> {
    if (targets.length === 0) return [];
    const values = await this.client.hmget(this.keys.pausedTargets, ...targets);
    return values.map((v) => v !== null);
  }

  /** Every paused target. */
  async pausedTargets(): Promise<string[]> {
    return (await this.client.hkeys(this.keys.pausedTargets)).sort();
  }
}
