import { describe, expect, it } from "vitest";
import { EveryTiming, parseDuration } from "../../src/scheduler/every.js";
import { dueSlots } from "../../src/scheduler/missed-runs.js";

describe("every intervals", () => {
  it("accepts compact units, plain seconds and ISO-8601 durations", () => {
    expect(parseDuration("30s")).toBe(30_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("1.5h")).toBe(5_400_000);
    expect(parseDuration("1d2h")).toBe(93_600_000);
    expect(parseDuration("2w")).toBe(1_209_600_000);
    expect(parseDuration(45)).toBe(45_000);
    expect(parseDuration("PT30S")).toBe(30_000);
    expect(parseDuration("P1DT1H")).toBe(90_000_000);
  });

  it("rejects what it cannot run, saying what it accepts", () => {
    expect(() => parseDuration("5 mins")).toThrow(/is not a duration; use seconds as a number, units like "30s"/);
    expect(() => parseDuration("P1M")).toThrow(/months or years/);
    expect(() => parseDuration("1.5s")).toThrow(/whole number of seconds/);
    expect(() => parseDuration("0s")).toThrow(/at least 1s/);
    expect(() => parseDuration(null)).toThrow(/not a duration/);
  });

  it("puts slots on a fixed grid from the epoch, or from first_at", () => {
    const every5m = new EveryTiming(300_000);
    expect(new Date(every5m.next(Date.parse("2026-01-01T10:07:12Z"))!).toISOString()).toBe("2026-01-01T10:10:00.000Z");
    expect(new Date(every5m.next(Date.parse("2026-01-01T10:10:00Z"))!).toISOString()).toBe("2026-01-01T10:15:00.000Z");
    expect(new Date(every5m.previous(Date.parse("2026-01-01T10:10:00Z"))!).toISOString()).toBe("2026-01-01T10:10:00.000Z");

    const fromFirstAt = new EveryTiming(3_600_000, Date.parse("2026-01-01T10:20:00Z"));
    expect(new Date(fromFirstAt.next(Date.parse("2025-12-01T00:00:00Z"))!).toISOString()).toBe("2026-01-01T10:20:00.000Z");
    expect(new Date(fromFirstAt.next(Date.parse("2026-01-01T12:00:00Z"))!).toISOString()).toBe("2026-01-01T12:20:00.000Z");
    expect(fromFirstAt.previous(Date.parse("2026-01-01T10:19:59Z"))).toBeUndefined();
  });
});

describe("missed runs", () => {
  const hourly = new EveryTiming(3_600_000);
  const at = (hhmmss: string) => Date.parse(`2026-01-01T${hhmmss}Z`);
  const iso = (slots: number[]) => slots.map((s) => new Date(s).toISOString().slice(11, 19));
  // Last fired 00:00; the scheduler comes back at 05:00:30 with a one-minute grace.
  const due = (policy: "skip" | "last" | "all", cap = 100) => dueSlots(hourly, at("00:00:00"), at("05:00:30"), 60_000, policy, cap);

  it("skip (default): only the slot that is on time fires", () => {
    expect(iso(due("skip").fire)).toEqual(["05:00:00"]);
    expect(iso([due("skip").lastMissed!])).toEqual(["04:00:00"]);
  });

  it("last: the most recent missed slot fires once, then the on-time one", () => {
    expect(iso(due("last").fire)).toEqual(["04:00:00", "05:00:00"]);
  });

  it("all: every missed slot fires, oldest first, up to the cap of the most recent", () => {
    expect(iso(due("all").fire)).toEqual(["01:00:00", "02:00:00", "03:00:00", "04:00:00", "05:00:00"]);
    const capped = due("all", 2);
    expect(iso(capped.fire)).toEqual(["03:00:00", "04:00:00", "05:00:00"]);
    expect(capped.capped).toBe(true);
  });

  it("slots late by less than the grace (a leader failover) all fire, whatever the policy", () => {
    const failover = dueSlots(new EveryTiming(60_000), at("04:00:00"), at("04:03:10"), 185_000, "skip", 100);
    expect(iso(failover.fire)).toEqual(["04:01:00", "04:02:00", "04:03:00"]);
    expect(failover.lastMissed).toBeUndefined();
  });

  it("nothing is due again once dealt with", () => {
    expect(dueSlots(hourly, at("05:00:30"), at("05:59:59"), 60_000, "all", 100).fire).toEqual([]);
  });
});
