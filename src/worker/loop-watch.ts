/**
 * How the heartbeat thread tells a blocked event loop from an idle one without the main thread
 * running a timer: the thread sends the loop a numbered ping each time it looks, and the loop
 * answers by writing the number into shared memory when the message arrives. A ping left
 * unanswered for `blockedAfterMs` means the loop is stuck in synchronous code.
 *
 * Why pings and not a tick: a main-thread timer that writes "I am alive" every 250 ms woke an idle
 * worker four times a second, about half of all the CPU an idle worker spent. The thread pings
 * only when it needs to know: every look while a job with a deadline runs (the watchdog must
 * notice a stuck job within about a second), and otherwise only once the main thread's own
 * heartbeat is overdue (a loop that beats on time is not blocked, and an idle worker's loop then
 * sleeps between its heartbeats).
 */
export interface LoopWatchTiming {
  /** The main thread's last heartbeat older than this makes the thread ask whether the loop runs. */
  beatOverdueMs: number;
  /** An unanswered ping older than this means the loop is blocked. */
  blockedAfterMs: number;
  /** Time between looks while some running job has a deadline. */
  busyEveryMs: number;
  /** Time between looks otherwise. */
  idleEveryMs: number;
}

export interface LoopLook {
  /** A ping to post to the main thread now, by number. */
  ping?: number;
  /** Whether the loop has left a ping unanswered for `blockedAfterMs` or longer. */
  blocked: boolean;
  /** How long the oldest unanswered ping has waited (0 when none waits). */
  waitedMs: number;
}

export class LoopWatch {
  /** The timing of the registration that needs the closest watch (`strictestTiming`); it changes as workers come and go. */
  timing: LoopWatchTiming;
  #sent = 0;
  #sentAt = 0;

  constructor(timing: LoopWatchTiming) {
    this.timing = timing;
  }

  /**
   * One look at time `now` (epoch ms), given the number of the last ping the loop answered,
   * whether some worker's heartbeat is overdue (`beatOverdue`), and whether a running job has a
   * deadline. Pings are numbered, not timed, so a clock step cannot make an answered ping look
   * unanswered.
   */
  look(now: number, seen: { answered: number; beatOverdue: boolean; anyDeadline: boolean }): LoopLook {
    if (seen.answered < this.#sent) {
      const waitedMs = Math.max(0, now - this.#sentAt);
      return { blocked: waitedMs >= this.timing.blockedAfterMs, waitedMs };
    }
    if (!seen.anyDeadline && !seen.beatOverdue) return { blocked: false, waitedMs: 0 };
    this.#sent += 1;
    this.#sentAt = now;
    return { ping: this.#sent, blocked: false, waitedMs: 0 };
  }

  /** When to look next: soon while a deadline is set, so a stuck job is ended close to it. */
  nextLookInMs(anyDeadline: boolean): number {
    return anyDeadline ? this.timing.busyEveryMs : this.timing.idleEveryMs;
  }
}

/** Whether the main thread's last heartbeat at `lastBeatAt` is overdue at `now` (the thread should ask whether the loop runs). */
export function beatOverdue(now: number, lastBeatAt: number, timing: LoopWatchTiming): boolean {
  return now - lastBeatAt >= timing.beatOverdueMs;
}

/**
 * One watch for several workers in a process (they share its event loop): looks as often and
 * calls the loop blocked as soon as the worker with the shortest heartbeat interval needs.
 * Whether a heartbeat is overdue stays each worker's own (`beatOverdue` with its own timing).
 */
export function strictestTiming(timings: readonly LoopWatchTiming[]): LoopWatchTiming {
  const least = (pick: (t: LoopWatchTiming) => number) => Math.min(...timings.map(pick));
  return {
    beatOverdueMs: least((t) => t.beatOverdueMs),
    blockedAfterMs: least((t) => t.blockedAfterMs),
    busyEveryMs: least((t) => t.busyEveryMs),
    idleEveryMs: least((t) => t.idleEveryMs),
  };
}

/**
 * The thread's timing for a heartbeat interval: a blocked loop is noticed within about a second
 * while a job with a deadline runs; otherwise its heartbeat is overdue half an interval (at most
 * a second) after it was due, and a ping confirms the block within two more looks, so the
 * thread's first heartbeat comes well before other workers would prune the worker (four
 * intervals plus a second, see prune.ts).
 */
export function loopWatchTiming(heartbeatIntervalMs: number): LoopWatchTiming {
  return {
    beatOverdueMs: heartbeatIntervalMs + Math.min(1000, heartbeatIntervalMs / 2),
    blockedAfterMs: Math.min(1000, heartbeatIntervalMs),
    busyEveryMs: 500,
    idleEveryMs: Math.min(2000, Math.max(250, heartbeatIntervalMs / 2)),
  };
}
