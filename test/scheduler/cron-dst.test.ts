/**
 * The documented daylight-saving policy (docs/scheduler.md): a slot inside the hour the clocks
 * skip runs once, at the first instant after the gap; a wall-clock time the clocks pass twice
 * runs once, at its first occurrence.
 */
import { describe, expect, it } from "vitest";
import { CronTiming } from "../../src/scheduler/cron.js";

/** The slots of `cron` in (from, to], as ISO strings in UTC. */
function slots(cron: string, from: string, to: string): string[] {
  const timing = new CronTiming(cron);
  const end = Date.parse(to);
  const result: string[] = [];
  for (let t = timing.next(Date.parse(from)); t !== undefined && t <= end; t = timing.next(t)) result.push(new Date(t).toISOString());
  return result;
}

describe("cron slots across daylight-saving transitions", () => {
  describe("Europe/Berlin (2026-03-29 02:00 CET → 03:00 CEST; 2026-10-25 03:00 CEST → 02:00 CET)", () => {
    it("spring forward: a daily 02:30 runs once at 03:00 CEST on the night it does not exist", () => {
      expect(slots("30 2 * * * Europe/Berlin", "2026-03-27T12:00:00Z", "2026-03-30T12:00:00Z")).toEqual([
        "2026-03-28T01:30:00.000Z", // 02:30 CET
        "2026-03-29T01:00:00.000Z", // 03:00 CEST, the first instant after the gap
        "2026-03-30T00:30:00.000Z", // 02:30 CEST
      ]);
    });

    it("spring forward: hourly keeps one run per real hour, the skipped 02:00 merging into 03:00", () => {
      expect(slots("0 * * * * Europe/Berlin", "2026-03-28T22:30:00Z", "2026-03-29T02:30:00Z")).toEqual([
        "2026-03-28T23:00:00.000Z", // 00:00 CET
        "2026-03-29T00:00:00.000Z", // 01:00 CET
        "2026-03-29T01:00:00.000Z", // 03:00 CEST (02:00 skipped, runs here once)
        "2026-03-29T02:00:00.000Z", // 04:00 CEST
      ]);
    });

    it("spring forward: several slots inside the skipped hour run once together", () => {
      expect(slots("0,20,40 2 * * * Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T12:00:00Z")).toEqual(["2026-03-29T01:00:00.000Z"]);
    });

    it("fall back: a daily 02:30 runs once, at the first of the two 02:30s", () => {
      expect(slots("30 2 * * * Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-26T12:00:00Z")).toEqual([
        "2026-10-25T00:30:00.000Z", // 02:30 CEST; 02:30 CET (01:30Z) does not run
        "2026-10-26T01:30:00.000Z", // 02:30 CET
      ]);
    });

    it("fall back: every half hour, the repeated wall-clock times do not run again", () => {
      expect(slots("*/30 * * * * Europe/Berlin", "2026-10-24T22:45:00Z", "2026-10-25T02:45:00Z")).toEqual([
        "2026-10-24T23:00:00.000Z", // 01:00 CEST
        "2026-10-24T23:30:00.000Z", // 01:30 CEST
        "2026-10-25T00:00:00.000Z", // 02:00 CEST
        "2026-10-25T00:30:00.000Z", // 02:30 CEST
        // 02:00 and 02:30 CET (01:00Z, 01:30Z) are the same wall-clock times: not again
        "2026-10-25T02:00:00.000Z", // 03:00 CET
        "2026-10-25T02:30:00.000Z", // 03:30 CET
      ]);
    });

    it("fall back: a scheduler starting during the repeated hour does not run its times again", () => {
      // 01:15Z is 02:15 CET, the second pass through 02:15; 02:30 already happened at 00:30Z.
      expect(slots("30 2 * * * Europe/Berlin", "2026-10-25T01:15:00Z", "2026-10-26T12:00:00Z")).toEqual(["2026-10-26T01:30:00.000Z"]);
    });

    it("previous() finds the latest slot by real time inside the repeated hour", () => {
      const timing = new CronTiming("*/30 * * * * Europe/Berlin");
      expect(new Date(timing.previous(Date.parse("2026-10-25T01:15:00Z"))!).toISOString()).toBe("2026-10-25T00:30:00.000Z");
      expect(new Date(timing.previous(Date.parse("2026-03-29T01:10:00Z"))!).toISOString()).toBe("2026-03-29T01:00:00.000Z");
    });
  });

  describe("America/New_York (2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST)", () => {
    it("spring forward: a daily 02:30 runs at 03:00 EDT that night", () => {
      // The zone given as the schedule's tz field rather than in the expression.
      const timing = new CronTiming("30 2 * * *", "America/New_York");
      const runs: string[] = [];
      for (let t = timing.next(Date.parse("2026-03-07T00:00:00Z")); t! <= Date.parse("2026-03-09T12:00:00Z"); t = timing.next(t!)) {
        runs.push(new Date(t!).toISOString());
      }
      expect(runs).toEqual([
        "2026-03-07T07:30:00.000Z", // 02:30 EST
        "2026-03-08T07:00:00.000Z", // 03:00 EDT
        "2026-03-09T06:30:00.000Z", // 02:30 EDT
      ]);
    });

    it("fall back: a daily 01:30 runs once, at 01:30 EDT", () => {
      expect(slots("30 1 * * * America/New_York", "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual([
        "2026-11-01T05:30:00.000Z", // 01:30 EDT; 01:30 EST (06:30Z) does not run
        "2026-11-02T06:30:00.000Z", // 01:30 EST
      ]);
    });

    it("fall back: hourly skips the repeated 01:00", () => {
      expect(slots("0 * * * * America/New_York", "2026-11-01T03:30:00Z", "2026-11-01T08:30:00Z")).toEqual([
        "2026-11-01T04:00:00.000Z", // 00:00 EDT
        "2026-11-01T05:00:00.000Z", // 01:00 EDT
        "2026-11-01T07:00:00.000Z", // 02:00 EST (01:00 EST at 06:00Z is a repeat)
        "2026-11-01T08:00:00.000Z", // 03:00 EST
      ]);
    });
  });
});

describe("cron expressions", () => {
  it("takes 6 fields with seconds first, @aliases, and a trailing zone", () => {
    expect(slots("15 0 0 * * * UTC", "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z")).toEqual(["2026-01-01T00:00:15.000Z"]);
    expect(slots("@daily UTC", "2026-01-01T00:00:00Z", "2026-01-03T00:00:00Z")).toEqual(["2026-01-02T00:00:00.000Z", "2026-01-03T00:00:00.000Z"]);
    expect(slots("0 6 * * 1 Europe/Stockholm", "2026-01-01T00:00:00Z", "2026-01-13T00:00:00Z")).toEqual([
      "2026-01-05T05:00:00.000Z",
      "2026-01-12T05:00:00.000Z",
    ]);
    expect(slots("0 0 * * MON-FRI UTC", "2026-01-02T12:00:00Z", "2026-01-06T12:00:00Z")).toEqual(["2026-01-05T00:00:00.000Z", "2026-01-06T00:00:00.000Z"]);
  });

  it("rejects what is not a valid expression, saying why", () => {
    expect(() => new CronTiming("61 * * * *", "UTC")).toThrow(/is not a valid cron expression \(.*61.*\)/);
    expect(() => new CronTiming("* * *", "UTC")).toThrow(/has 3 fields/);
    expect(() => new CronTiming("0 6 * * 1 Mars/Olympus")).toThrow(/"Mars\/Olympus" is not a known IANA time zone/);
    expect(() => new CronTiming("0 6 * * 1 Europe/Berlin", "America/New_York")).toThrow(/keep one/);
  });
});
