import { describe, expect, it } from "vitest";
import { beatOverdue, LoopWatch, loopWatchTiming, strictestTiming } from "../../src/worker/loop-watch.js";

const timing = { beatOverdueMs: 6000, blockedAfterMs: 1000, busyEveryMs: 500, idleEveryMs: 2000 };
const deadline = (answered: number) => ({ answered, lastBeatAt: 0, anyDeadline: true });

/** One look, with one worker whose last heartbeat was at `lastBeatAt`. */
function lookAt(watch: LoopWatch, now: number, seen: { answered: number; lastBeatAt: number; anyDeadline: boolean }) {
  return watch.look(now, { answered: seen.answered, anyDeadline: seen.anyDeadline, beatOverdue: beatOverdue(now, seen.lastBeatAt, watch.timing) });
}

describe("the heartbeat thread's watch on the event loop", () => {
  it("leaves an idle loop alone while the main thread's heartbeats come on time", () => {
    const watch = new LoopWatch(timing);
    for (let now = 0; now < 60_000; now += 2000) {
      const lastBeatAt = now - (now % 5000); // the main thread beats every 5 s
      expect(lookAt(watch, now, { answered: 0, lastBeatAt, anyDeadline: false })).toEqual({ blocked: false, waitedMs: 0 });
    }
  });

  it("asks the loop once its heartbeat is overdue, and calls it blocked when the ping waits a second", () => {
    const watch = new LoopWatch(timing);
    expect(lookAt(watch, 5_900, { answered: 0, lastBeatAt: 0, anyDeadline: false }).ping).toBeUndefined();
    expect(lookAt(watch, 6_000, { answered: 0, lastBeatAt: 0, anyDeadline: false })).toEqual({ ping: 1, blocked: false, waitedMs: 0 });
    // No second ping piles up on an unanswered one.
    expect(lookAt(watch, 6_500, { answered: 0, lastBeatAt: 0, anyDeadline: false })).toEqual({ blocked: false, waitedMs: 500 });
    expect(lookAt(watch, 7_000, { answered: 0, lastBeatAt: 0, anyDeadline: false })).toEqual({ blocked: true, waitedMs: 1000 });
    // The thread's own beats keep LAST_BEAT fresh; the loop stays blocked until it answers.
    expect(lookAt(watch, 9_000, { answered: 0, lastBeatAt: 8_000, anyDeadline: false })).toEqual({ blocked: true, waitedMs: 3000 });
    expect(lookAt(watch, 9_500, { answered: 1, lastBeatAt: 8_000, anyDeadline: false })).toEqual({ blocked: false, waitedMs: 0 });
  });

  it("a loop that answers is not blocked, even while its heartbeats fail (Redis down)", () => {
    const watch = new LoopWatch(timing);
    let answered = 0;
    for (let now = 10_000; now < 40_000; now += 2000) {
      const look = lookAt(watch, now, { answered, lastBeatAt: 0, anyDeadline: false });
      expect(look.blocked).toBe(false);
      expect(look.ping).toBe(answered + 1);
      answered = look.ping!; // the message is answered before the next look
    }
  });

  it("pings at every look while a job has a deadline, whatever the heartbeats say", () => {
    const watch = new LoopWatch(timing);
    expect(lookAt(watch, 0, { answered: 0, lastBeatAt: 0, anyDeadline: true }).ping).toBe(1);
    expect(lookAt(watch, 500, { answered: 1, lastBeatAt: 500, anyDeadline: true }).ping).toBe(2);
    expect(lookAt(watch, 1000, deadline(1))).toEqual({ blocked: false, waitedMs: 500 });
    expect(lookAt(watch, 1500, deadline(1))).toEqual({ blocked: true, waitedMs: 1000 });
  });

  it("is not fooled by a clock that steps back: answers are by number", () => {
    const watch = new LoopWatch(timing);
    expect(lookAt(watch, 10_000, deadline(0)).ping).toBe(1);
    // The clock stepped back 8 s: the answered ping is answered, and a new one goes out.
    expect(lookAt(watch, 2_000, deadline(1))).toEqual({ ping: 2, blocked: false, waitedMs: 0 });
    // Stepping back again while ping 2 waits counts as no wait, not as a negative or a huge one.
    expect(lookAt(watch, 1_000, deadline(1))).toEqual({ blocked: false, waitedMs: 0 });
    expect(lookAt(watch, 3_000, deadline(1))).toEqual({ blocked: true, waitedMs: 1000 });
  });

  it("looks often while a job has a deadline and seldom otherwise", () => {
    const watch = new LoopWatch(loopWatchTiming(5000));
    expect(watch.nextLookInMs(true)).toBe(500);
    expect(watch.nextLookInMs(false)).toBe(2000);
    expect(new LoopWatch(loopWatchTiming(500)).nextLookInMs(false)).toBe(250);
  });

  it("sends the thread's first heartbeat for a blocked loop before other workers would prune it", () => {
    for (const intervalMs of [100, 500, 1000, 5000, 60_000]) {
      const t = loopWatchTiming(intervalMs);
      // Worst case: the loop blocks right after a heartbeat at 0; the thread looks every idleEveryMs from some phase.
      for (const phase of [0, t.idleEveryMs / 2, t.idleEveryMs - 1]) {
        const watch = new LoopWatch(t);
        let blockedAt: number | undefined;
        for (let now = phase; blockedAt === undefined; now += t.idleEveryMs) {
          if (lookAt(watch, now, { answered: 0, lastBeatAt: 0, anyDeadline: false }).blocked) blockedAt = now;
        }
        // prune.ts: four intervals plus a second; a quarter of it is left for the beat to reach Redis.
        expect(blockedAt).toBeLessThan((intervalMs * 4 + 1000) * 0.75);
      }
    }
  });

  it("watches for the worker with the shortest interval when a process runs several", () => {
    const slow = loopWatchTiming(60_000);
    const fast = loopWatchTiming(500);
    const watch = new LoopWatch(strictestTiming([slow, fast]));
    expect(watch.nextLookInMs(false)).toBe(fast.idleEveryMs);
    expect(watch.timing.blockedAfterMs).toBe(fast.blockedAfterMs);
    // Each worker's heartbeat is overdue by its own interval: the slow one's beat of 10 s ago is not.
    expect(beatOverdue(10_000, 0, slow)).toBe(false);
    expect(beatOverdue(10_000, 9_000, fast)).toBe(true);
    // The fast worker's first thread heartbeat still comes before others would prune it.
    let blockedAt: number | undefined;
    for (let now = 0; blockedAt === undefined; now += watch.nextLookInMs(false)) {
      const overdue = beatOverdue(now, 0, slow) || beatOverdue(now, 0, fast);
      if (watch.look(now, { answered: 0, beatOverdue: overdue, anyDeadline: false }).blocked) blockedAt = now;
    }
    expect(blockedAt).toBeLessThan((500 * 4 + 1000) * 0.75);
  });
});
