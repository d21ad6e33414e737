import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { ScheduleConfigError, ScheduleFileError } from "../../src/index.js";
import { parseSchedule } from "../../src/scheduler/schedule-config.js";
import { loadScheduleFile } from "../../src/scheduler/schedule-file.js";

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/schedules/${name}`, import.meta.url));
const context = { queueOf: (name: string) => (name === "NightlyReport" ? "reports" : undefined) };

function problem(config: unknown, name = "entry"): string {
  try {
    parseSchedule(name, config, context);
  } catch (error) {
    expect(error).toBeInstanceOf(ScheduleConfigError);
    return (error as Error).message;
  }
  throw new Error("expected the entry to be rejected");
}

describe("schedule entries", () => {
  it("fills defaults like resque-scheduler: class from the name, queue from the registered job", () => {
    const schedule = parseSchedule("NightlyReport", { cron: "0 3 * * * UTC" }, context);
    expect(schedule).toMatchObject({ className: "NightlyReport", queue: "reports", args: [], enabled: true, missed: "skip", kind: "cron" });
    expect(schedule.payload).toBe('{"class":"NightlyReport","args":[]}');
  });

  it("spreads an args array and passes any other value as the one argument", () => {
    expect(parseSchedule("a", { every: "1m", class: "X", queue: "q", args: [1, "two"] }, context).payload).toBe('{"class":"X","args":[1,"two"]}');
    expect(parseSchedule("b", { every: "1m", class: "X", queue: "q", args: { k: 1 } }, context).payload).toBe('{"class":"X","args":[{"k":1}]}');
    expect(parseSchedule("c", { every: "1m", class: "X", queue: "q", args: "one" }, context).payload).toBe('{"class":"X","args":["one"]}');
  });

  it("names the entry and the field in every complaint", () => {
    expect(problem({ cron: "61 * * * *", class: "NightlyReport" }, "nightly_report")).toMatch(
      /^schedule "nightly_report": field "cron": "61 \* \* \* \*" is not a valid cron expression \(.+\)$/,
    );
    expect(problem({ every: "5 mins", queue: "q" })).toMatch(/^schedule "entry": field "every": "5 mins" is not a duration/);
    expect(problem({ crom: "* * * * *", queue: "q" })).toMatch(/^schedule "entry": field "crom": is not a schedule field; known fields: class, cron, every/);
    expect(problem({ queue: "q" })).toBe('schedule "entry": needs "cron" or "every" to say when it runs');
    expect(problem({ cron: "* * * * *", class: "Unregistered" })).toMatch(/^schedule "entry": field "queue": is missing and "Unregistered" is not a registered job/);
    expect(problem({ cron: "* * * * *", queue: "q", tz: "Nowhere/Land" })).toMatch(/field "tz": "Nowhere\/Land" is not a known IANA time zone/);
    expect(problem({ cron: "* * * * *", queue: "q", missed: "sometimes" })).toMatch(/field "missed": must be one of "skip", "last", "all"/);
    expect(problem({ cron: "* * * * *", queue: "q", enabled: "yes" })).toMatch(/field "enabled": must be true or false/);
    expect(problem({ cron: "* * * * *", every: "1m", queue: "q" })).toMatch(/field "every": cannot be combined with "cron"/);
    expect(problem({ every: ["1m", { first_in: "soon" }], queue: "q" })).toMatch(/field "every": option "first_in": "soon" is not a duration/);
    expect(problem({ every: ["1m", { start: "now" }], queue: "q" })).toMatch(/field "every": option "start" is unknown/);
    expect(problem({ every: "1m", queue: "q", args: [Number.NaN] })).toMatch(/field "args": Job argument args\[0\] is NaN/);
    expect(problem("* * * * *")).toMatch(/must be a mapping of fields/);
  });

  it("takes every: as a number of seconds, as documented", () => {
    const schedule = parseSchedule("ping", { every: 30, class: "X", queue: "q" }, context);
    expect(schedule).toMatchObject({ kind: "every", expression: "30", timing: { periodMs: 30_000 } });
    expect(parseSchedule("ping", { every: [90, { first_in: 5 }], class: "X", queue: "q" }, context)).toMatchObject({ timing: { periodMs: 90_000 }, firstIn: 5_000 });
    expect(problem({ every: 0.5, queue: "q" })).toMatch(/field "every": "0\.5" must be a whole number of seconds/);
    expect(problem({ every: true, queue: "q" })).toMatch(/field "every": must be a number of seconds, a string, or \[interval/);
  });

  it("reports words that are no cron expression as a bad cron, and a misspelt zone as a zone", () => {
    const everyDay = problem({ cron: "every day", queue: "q" });
    expect(everyDay).toMatch(/field "cron": "every day" is not a valid cron expression/);
    expect(everyDay).toMatch(/e\.g\. "0 6 \* \* \*"/);
    expect(problem({ cron: "daily", queue: "q" })).toMatch(/field "cron": "daily" has 1 fields/);
    expect(problem({ cron: "0 6 * * 1 Europe/Stockholmm", queue: "q" })).toMatch(/"Europe\/Stockholmm" is not a known IANA time zone/);
    expect(problem({ cron: "0 6 * * 1 Moscow", queue: "q" })).toMatch(/"Moscow" is not a known IANA time zone/);
  });
});

describe("schedule files", () => {
  it("loads YAML with every field, leaving out entries for another RAILS_ENV", () => {
    const schedules = loadScheduleFile(fixture("good.yml"), context);
    expect(schedules.map((s) => s.name)).toEqual(["nightly_report", "heartbeat", "weekly_cleanup"]);
    const [nightly, heartbeat, weekly] = schedules;
    expect(nightly).toMatchObject({ queue: "reports", payload: '{"class":"NightlyReport","args":["full",3]}', description: "Builds the nightly report" });
    expect(heartbeat).toMatchObject({ kind: "every", firstIn: 10_000, payload: '{"class":"Ping","args":[{"source":"scheduler"}]}' });
    expect(weekly).toMatchObject({ enabled: false, missed: "last" });
    expect(loadScheduleFile(fixture("good.yml"), { ...context, env: "staging" }).map((s) => s.name)).toContain("production_only");
  });

  it("loads JSON files", () => {
    expect(loadScheduleFile(fixture("good.json"), context)).toMatchObject([{ name: "json_entry", queue: "monitoring", kind: "every" }]);
  });

  it("rejects a file with any bad entry, listing every problem by entry and field", () => {
    let error: unknown;
    try {
      loadScheduleFile(fixture("bad.yml"), context);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ScheduleFileError);
    const message = (error as Error).message;
    expect(message).toContain("has 2 invalid entries; nothing was scheduled");
    expect(message).toContain('schedule "nightly_report": field "cron": "61 * * * *" is not a valid cron expression');
    expect(message).toContain('schedule "typo": field "crom": is not a schedule field');
    expect((error as ScheduleFileError).problems.map((p) => [p.entry, p.field])).toEqual([
      ["nightly_report", "cron"],
      ["typo", "crom"],
    ]);
  });

  it("says when a file is missing or not YAML", () => {
    expect(() => loadScheduleFile(fixture("missing.yml"), context)).toThrow(/cannot read schedule file .*missing\.yml/);
    expect(() => loadScheduleFile(fixture("broken.yml"), context)).toThrow(/schedule file .*broken\.yml is not valid YAML: .*line/);
  });
});
