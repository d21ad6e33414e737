/**
 * `resque schedules`: list (default) recurring schedules (the leading scheduler's and the dynamic
 * ones in Redis), enable or disable one, or enqueue its job now.
 */
import type { Command } from "commander";
import type { Admin } from "../../admin/index.js";
import type { ScheduleInfo } from "../../admin/schedules.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { name } from "../kit/arguments.js";
import { NothingMatchedError } from "../kit/exit-codes.js";
import { duration, time, timeFrom } from "../kit/format.js";

export function registerScheduleCommands(program: Command): void {
  const schedules = program
    .command("schedules")
    .description("recurring schedules: list (default), enable, disable, run-now")
    .addHelpText("after", "\nExamples:\n  $ resque schedules                        # every schedule, its timing, last and next run\n  $ resque schedules disable nightly_report # skip its runs until enabled again\n");

  adminCommand(schedules, "list", "list every schedule: the leading scheduler's (file or code) and the dynamic ones", [["resque schedules list", "every schedule"]], { isDefault: true }).action(
    withAdmin(async ({ admin, out }) => {
      const [list, leader] = await Promise.all([admin.schedules.list(), admin.schedules.leader()]);
      if (out.json) {
        out.data({ leader: leader ?? null, schedules: list.map(scheduleJson) });
        return;
      }
      out.note(leader ? `leader: ${leader.holder} (lock for ${duration(leader.ttlMs)} more)` : "no scheduler is leading: schedules do not fire");
      if (list.length === 0) {
        out.line("No schedules.");
        return;
      }
      const now = Date.now();
      out.table(
        [{ header: "NAME" }, { header: "SOURCE" }, { header: "CLASS" }, { header: "QUEUE" }, { header: "WHEN" }, { header: "STATE" }, { header: "LAST RUN" }, { header: "NEXT RUN" }],
        list.map((s) => [
          s.name,
          s.source,
          s.class,
          s.queue ?? "-",
          s.expression ?? "-",
          s.error ? out.c.red("invalid") : s.disabledByOperator ? out.c.yellow("disabled") : s.enabled ? out.c.green("enabled") : out.c.yellow("off in config"),
          out.tty ? timeFrom(s.lastRun ?? s.lastEnqueuedAt, now) : time(s.lastRun ?? s.lastEnqueuedAt),
          out.tty ? timeFrom(s.nextRun, now) : time(s.nextRun),
        ]),
      );
      for (const s of list.filter((s) => s.error)) out.note(`${s.name}: ${s.error}`);
    }),
  );

  adminCommand(schedules, "enable <name>", "let a schedule fire again after disable", [["resque schedules enable nightly_report", "its next slot fires"]]).action(
    withAdmin(async ({ admin, out }, nameArg) => {
      const schedule = await known(admin, nameArg);
      await admin.schedules.enable(schedule.name);
      const now = (await admin.schedules.get(schedule.name))!;
      if (out.json) out.data({ name: now.name, enabled: now.enabled, disabledByOperator: now.disabledByOperator });
      else out.line(now.enabled ? `enabled ${now.name}` : `${now.name} is no longer disabled here, but its config says enabled: false; edit the config to run it`);
    }),
  );

  adminCommand(schedules, "disable <name>", "stop a schedule from firing (its slots are skipped, not saved up) until enable", [["resque schedules disable nightly_report", "until enabled"]]).action(
    withAdmin(async ({ admin, out }, nameArg) => {
      const schedule = await known(admin, nameArg);
      await admin.schedules.disable(schedule.name);
      if (out.json) out.data({ name: schedule.name, enabled: false, disabledByOperator: true });
      else out.line(`disabled ${schedule.name}`);
    }),
  );

  adminCommand(schedules, "run-now <name>", "enqueue a schedule's job now (its next slot still fires as planned)", [["resque schedules run-now nightly_report", "enqueue it once, now"]]).action(
    withAdmin(async ({ admin, out }, nameArg) => {
      const schedule = await known(admin, nameArg);
      const queue = await admin.schedules.runNow(schedule.name);
      if (out.json) out.data({ name: schedule.name, class: schedule.class, args: schedule.args, queue });
      else out.line(`enqueued ${schedule.class} on "${queue}"`);
    }),
  );
}

async function known(admin: Admin, value: string | undefined): Promise<ScheduleInfo> {
  const schedule = name(value, "The schedule name");
  const found = await admin.schedules.get(schedule);
  if (found) return found;
  const names = (await admin.schedules.list()).map((s) => `"${s.name}"`);
  throw new NothingMatchedError(`There is no schedule "${schedule}"; the schedules are ${names.join(", ") || "(none)"}.`);
}

function scheduleJson(s: ScheduleInfo) {
  const iso = (d: Date | undefined) => (d === undefined ? null : d.toISOString());
  return {
    name: s.name,
    source: s.source,
    class: s.class,
    queue: s.queue ?? null,
    args: s.args,
    kind: s.kind ?? null,
    expression: s.expression ?? null,
    description: s.description ?? null,
    enabled: s.enabled,
    disabledByOperator: s.disabledByOperator,
    loaded: s.loaded,
    error: s.error ?? null,
    lastRun: iso(s.lastRun),
    nextRun: iso(s.nextRun),
    lastEnqueuedAt: iso(s.lastEnqueuedAt),
    config: s.config,
  };
}
