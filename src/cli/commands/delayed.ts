/**
 * `resque delayed`: list (default), show, run-now and remove delayed jobs (resque-scheduler's
 * schedule). A delayed job is named by its due time and its position among the jobs due then, as
 * `list` and `show` print them; many are selected by filter.
 */
import type { Command } from "commander";
import type { DelayedFilter } from "../../admin/filters.js";
import type { Admin } from "../../admin/index.js";
import type { DelayedJob } from "../../scheduler/delayed-item.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { index, instant, wholeNumber } from "../kit/arguments.js";
import { addPageOptions, pageOf, type PageFlags } from "../kit/page-options.js";
import { one, runChange } from "../kit/change.js";
import { addConfirmOptions, type ConfirmOptions } from "../kit/confirm.js";
import { NothingMatchedError, UsageError } from "../kit/exit-codes.js";
import { addFilterOptions, delayedFilter, describeFilter, filterJson, selectsBy, type FilterFlags } from "../kit/filter-options.js";
import { args as showArgs, oneLine, plural, time, timeFrom } from "../kit/format.js";
import { delayedJobJson } from "../kit/json-shapes.js";
import type { Output } from "../kit/output.js";

/** A delayed job and its position among the jobs due at its time (null when found by a filter). */
interface Listed {
  job: DelayedJob;
  index: number | null;
}

export function registerDelayedCommands(program: Command): void {
  const delayed = program
    .command("delayed")
    .description("delayed jobs: list (default), show, run-now, remove")
    .addHelpText(
      "after",
      "\nExamples:\n  $ resque delayed                                   # the 20 jobs due soonest\n  $ resque delayed show 2026-12-01T09:00:00Z        # the jobs due then\n  $ resque delayed run-now --class Reminder --yes   # every Reminder job, now\n",
    );

  addFilterOptions(
    adminCommand(
      delayed,
      "list",
      "list delayed jobs, earliest first, with their position among the jobs due at the same time",
      [
        ["resque delayed list", "the 20 jobs due soonest"],
        ["resque delayed list --class SendInvoice --to 2026-12-31", "SendInvoice jobs due this year"],
      ],
      { isDefault: true },
    ),
    "delayed",
  )
    .option("--count <n>", "how many to show", "20")
    .action(
      withAdmin<FilterFlags & { count: string }>(async ({ admin, out, options }) => {
        const filter = delayedFilter(options);
        const limit = wholeNumber(options.count, "--count", 20, 1);
        const filtered = selectsBy(filter);
        const listed = filtered ? (await admin.delayed.find(filter, { limit })).map((job) => ({ job, index: null })) : await earliest(admin, limit);
        const [total, timestamps] = await Promise.all([admin.delayed.count(), admin.delayed.timestampCount()]);
        if (out.json) out.data({ total, timestamps, filter: filterJson(filter), jobs: listed.map(listedJson) });
        else if (listed.length === 0) out.line(filtered ? `No delayed job matches ${describeFilter(filter)}.` : "No delayed jobs.");
        else {
          printDelayed(out, listed);
          if (out.tty) out.note(`${listed.length} shown; ${plural(total, "delayed job")} due at ${plural(timestamps, "time")}`);
        }
        return listed.length === 0 && filtered ? 3 : 0;
      }),
    );

  addPageOptions(
    adminCommand(delayed, "show <time>", "show the jobs due at one time (ISO 8601 or unix seconds, as list prints it)", [
      ["resque delayed show 2026-12-01T09:00:00Z", "the jobs due then"],
      ["resque delayed show 1796115600 --json", "the same time as unix seconds"],
    ]),
  )
    .action(
      withAdmin<PageFlags>(async ({ admin, out, options }, timeArg) => {
        const at = instant(timeArg, "The time");
        const { start, count: limit } = pageOf(options);
        const jobs = await admin.delayed.at(at, { start, count: limit });
        const listed = jobs.map((job, i) => ({ job, index: start + i }));
        if (out.json) out.data({ at: dueSecond(at).toISOString(), jobs: listed.map(listedJson) });
        else if (listed.length > 0) printDelayed(out, listed);
        if (listed.length === 0) throw new NothingMatchedError(`No delayed job is due at ${time(dueSecond(at))}${start > 0 ? ` from position ${start}` : ""}.`);
      }),
    );

  for (const action of ["run-now", "remove"] as const) {
    const running = action === "run-now";
    const command = addFilterOptions(
      addConfirmOptions(
        adminCommand(
          delayed,
          `${action} [time] [index]`,
          running
            ? "put delayed jobs on their queue now: one by time and position, every job due at a time, or those a filter selects"
            : "remove delayed jobs: one by time and position, every job due at a time, those a filter selects, or --all",
          running
            ? [
                ["resque delayed run-now 2026-12-01T09:00:00Z 0", "the first job due then"],
                ["resque delayed run-now --class Reminder --yes", "every Reminder job"],
              ]
            : [
                ["resque delayed remove 1796115600 2", "one job"],
                ["resque delayed remove --queue mail --to 2026-12-31 --dry-run", "how many would go"],
                ["resque delayed remove --all --yes", "every delayed job"],
              ],
        ),
      ),
      "delayed",
    );
    if (!running) command.option("--all", "every delayed job");
    command.action(
      withAdmin<FilterFlags & ConfirmOptions & { all?: boolean }>(async (context, timeArg, indexArg) => {
        const { admin, options } = context;
        const verb = running ? "run now" : "remove";
        const filter = delayedFilter(options);
        const given = [timeArg !== undefined, selectsBy(filter), Boolean(options.all)].filter(Boolean).length;
        if (given === 0) {
          throw new UsageError(
            `Say which delayed jobs to ${verb}: a time and a position (as resque delayed list shows them), a time alone (every job due then), or a filter (--class, --queue, --text, --args-contains, --args, --from, --to)${running ? "" : ", or --all"}.`,
          );
        }
        if (given > 1) throw new UsageError(`Give one of: a time (and a position), a filter${running ? "" : ", or --all"}.`);
        const noun = "delayed job";
        const doing = running ? "enqueueing" : "removing";
        const done = running ? "enqueued" : "removed";
        if (timeArg !== undefined && indexArg !== undefined) {
          const job = await delayedAt(admin, timeArg, indexArg);
          return runChange(context, {
            what: `${verb} the ${describeJob(job)} due at ${time(job.at)} (position ${index(indexArg)})`,
            known: 1,
            doing,
            done,
            noun,
            act: () => one(() => (running ? admin.delayed.runNow(job) : admin.delayed.remove(job))),
          });
        }
        if (options.all) {
          return runChange(context, { what: "remove every delayed job", count: () => admin.delayed.count(), doing, done, noun, act: (bulk) => admin.delayed.clear(bulk) });
        }
        const selection: DelayedFilter = timeArg !== undefined ? { from: dueSecond(instant(timeArg, "The time")), to: dueSecond(instant(timeArg, "The time")) } : filter;
        return runChange(context, {
          what: `${verb} the delayed jobs ${timeArg !== undefined ? `due at ${time(selection.from)}` : `with ${describeFilter(filter)}`}`,
          count: async (bulk) => (await admin.delayed.find(selection, { limit: Number.MAX_SAFE_INTEGER, signal: bulk.signal! })).length,
          outOf: await admin.delayed.count(),
          doing,
          done,
          noun,
          act: (bulk) => (running ? admin.delayed.runNowMatching(selection, bulk) : admin.delayed.removeMatching(selection, bulk)),
        });
      }),
    );
  }
}

/** Delayed times are whole seconds, rounded up as enqueueAt stores them. */
function dueSecond(date: Date): Date {
  return new Date(Math.ceil(date.getTime() / 1000) * 1000);
}

async function delayedAt(admin: Admin, timeArg: string, indexArg: string): Promise<DelayedJob> {
  const at = instant(timeArg, "The time");
  const position = index(indexArg);
  const [job] = await admin.delayed.at(at, { start: position, count: 1 });
  if (job) return job;
  const size = (await admin.delayed.at(at, { start: 0, count: 1000 })).length;
  throw new NothingMatchedError(
    size === 0 ? `No delayed job is due at ${time(dueSecond(at))}.` : `${plural(size, "delayed job")} ${size === 1 ? "is" : "are"} due at ${time(dueSecond(at))}; there is none at position ${position}.`,
  );
}

/** The first `limit` delayed jobs, a due time at a time, with their positions. */
async function earliest(admin: Admin, limit: number): Promise<Listed[]> {
  const listed: Listed[] = [];
  for (let page = 0; listed.length < limit; page += 20) {
    const timestamps = await admin.delayed.timestamps({ start: page, count: 20 });
    for (const { at } of timestamps) {
      const jobs = await admin.delayed.at(at, { start: 0, count: limit - listed.length });
      jobs.forEach((job, i) => listed.push({ job, index: i }));
      if (listed.length >= limit) break;
    }
    if (timestamps.length < 20) break;
  }
  return listed;
}

function listedJson({ job, index }: Listed) {
  return { ...delayedJobJson(job), index };
}

function describeJob(job: DelayedJob): string {
  return `${job.class} ${oneLine(showArgs(job.args), 40)}`;
}

function printDelayed(out: Output, listed: readonly Listed[]): void {
  const now = Date.now();
  out.table(
    [{ header: "DUE AT" }, { header: "#", right: true }, { header: "QUEUE" }, { header: "CLASS" }, { header: "ARGS", shrink: true }],
    listed.map(({ job, index }) => [
      out.tty ? timeFrom(job.at, now) : time(job.at),
      index === null ? "-" : String(index),
      job.queue ?? "-",
      job.error ? out.c.red(job.class || "(unreadable)") : job.class,
      job.error ? out.c.red(job.error) : showArgs(job.args),
    ]),
  );
}
