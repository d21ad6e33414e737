/**
 * A clock that moves only when a test moves it. Installed, it is the time every part of
 * resque-ts reads when it has no clock of its own: enqueueIn and enqueueAt, retry delays, the
 * scheduler's promotion of delayed jobs and its cron and `every` slots.
 */
import { useClock, type Clock } from "../scheduler/clock.js";
import { toMillis, type DelayedTime } from "../scheduler/delayed-time.js";

export class TestClock implements Clock {
  #now: number;
  #replaced: Clock | undefined;
  #installed = false;

  /**
   * Starts at `start` (a Date or epoch milliseconds). The default is the real time rounded up
   * to a whole second: delayed jobs are due at whole seconds, so a job delayed 10 s is then due
   * after advancing exactly 10 s.
   */
  constructor(start: DelayedTime = Math.ceil(Date.now() / 1000) * 1000) {
    this.#now = toMillis(start, "start time");
  }

  /** Epoch milliseconds. */
  now(): number {
    return this.#now;
  }

  /** Moves to a given time (a Date or epoch milliseconds); it may go backwards. */
  set(time: DelayedTime): void {
    this.#now = toMillis(time);
  }

  /** Moves forward by `seconds`. */
  advance(seconds: number): void {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError(`advance takes 0 or more seconds, got ${seconds}.`);
    this.#now += seconds * 1000;
  }

  /** Makes resque-ts read this clock in the whole process, until uninstall(). */
  install(): this {
    if (!this.#installed) {
      this.#replaced = useClock(this);
      this.#installed = true;
    }
    return this;
  }

  /** Gives resque-ts back the clock it read before install(). */
  uninstall(): void {
    if (!this.#installed) return;
    useClock(this.#replaced);
    this.#installed = false;
  }
}
