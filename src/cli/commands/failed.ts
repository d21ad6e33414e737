/**
 * `resque failed`: list (default), show, retry (optionally removing), remove and clear failed
 * jobs, one entry by position or many by filter, across Ruby's `failed` list and RedisMultiQueue's
 * `<queue>_failed` lists.
 */
import type { Command } from "commander";
import type { FailedFilter } from "../../admin/filters.js";
import type { Admin } from "../../admin/index.js";
import type { FailedJob } from "../../failure/failure-entry.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { index, name } from "../kit/arguments.js";
import { addPageOptions, pageOf, type PageFlags } from "../kit/page-options.js";
import { one, runChange } from "../kit/change.js";
import { addConfirmOptions, type ConfirmOptions } from "../kit/confirm.js";
import { NothingMatchedError, UsageError } from "../kit/exit-codes.js";
import { addFilterOptions, describeFilter, failedFilter, filterJson, selectsBy, type FilterFlags } from "../kit/filter-options.js";
import { args as showArgs, count, oneLine, plural, time, timeFrom } from "../kit/format.js";
import { failedJobJson } from "../kit/json-shapes.js";
import type { Output } from "../kit/output.js";

/** Resque's default failed list (Resque::Failure::Redis); RedisMultiQueue adds "<queue>_failed" lists. */
const DEFAULT_FAILED_LIST = "failed";
const GROUPS = ["class", "queue", "exception"] as const;
type GroupBy = (typeof GROUPS)[number];

export function registerFailedCommands(program: Command): void {
  const failed = program
    .command("failed")
    .description("failed jobs: list (default), show, retry, remove, clear")
    .addHelpText(
      "after",
      "\nExamples:\n  $ resque failed                                  # the oldest 20 failed jobs\n  $ resque failed list --group-by exception        # how many of each exception\n  $ resque failed retry --exception Net::ReadTimeout --remove --yes\n",
    );

  addFilterOptions(
    addPageOptions(
      adminCommand(
        failed,
        "list",
        "list failed jobs, oldest first (position 0 = oldest in its list), or count them by class, queue or exception",
        [
          ["resque failed list", "the oldest 20"],
          ["resque failed list --newest --count 5", "the 5 newest"],
          ["resque failed list --class SendInvoice --since 1h", "SendInvoice failures of the last hour"],
          ["resque failed list --group-by class", "how many failed jobs of each class"],
        ],
        { isDefault: true },
      ),
      "skip this many entries",
    ),
    "failed",
  )
    .option("--newest", "newest first")
    .option("--group-by <field>", "count entries by class, queue or exception instead of listing them")
    .action(
      withAdmin<FilterFlags & PageFlags & { newest?: boolean; groupBy?: string }>(async ({ admin, out, options }) => {
        const filter = failedFilter(options);
        const { list, ...narrowing } = filter;
        const filtered = selectsBy(narrowing);
        if (list !== undefined) await knownList(admin, list);
        if (options.groupBy !== undefined) {
          if (!(GROUPS as readonly string[]).includes(options.groupBy)) throw new UsageError(`--group-by takes ${GROUPS.join(", ")}, got ${JSON.stringify(options.groupBy)}.`);
          const groups = await admin.failed.groups(options.groupBy as GroupBy, selectsBy(filter) ? { filter } : {});
          if (out.json) out.data({ groupBy: options.groupBy, filter: filterJson(filter), groups });
          else if (groups.length === 0) out.line("No failed jobs.");
          else out.table([{ header: options.groupBy.toUpperCase() }, { header: "COUNT", right: true }], groups.map((g) => [g.key || "(none)", count(g.count)]));
          return groups.length === 0 && filtered ? 3 : 0;
        }
        const { start, count: limit } = pageOf(options);
        const jobs = await admin.failed.page({ start, count: limit, newestFirst: Boolean(options.newest), ...(list === undefined ? {} : { list }), ...(filtered ? { filter } : {}) });
        const lists = await admin.failed.lists();
        const total = filtered ? null : lists.filter((l) => list === undefined || l.name === list).reduce((sum, l) => sum + l.size, 0);
        if (out.json) {
          out.data({ total, start, filter: filterJson(filter), jobs: jobs.map(failedJobJson) });
        } else if (jobs.length === 0) {
          out.line(filtered ? `No failed job matches ${describeFilter(filter)}.` : total === 0 ? "No failed jobs." : `No failed jobs from position ${start}.`);
        } else {
          printFailed(out, jobs, Date.now());
          if (out.tty) out.note(total === null ? `${plural(jobs.length, "entry", "entries")} shown` : `${jobs.length} of ${plural(total, "failed job")}, from position ${start}`);
        }
        return jobs.length === 0 && filtered ? 3 : 0;
      }),
    );

  adminCommand(failed, "show <index>", "show one failed job in full, with its backtrace", [
    ["resque failed show 0", "the oldest failed job"],
    ["resque failed show 2 --list mail_failed", "in a RedisMultiQueue list"],
  ])
    .option("--list <name>", 'the failed list ("failed" or "<queue>_failed")', DEFAULT_FAILED_LIST)
    .action(
      withAdmin<{ list: string }>(async ({ admin, out, options }, indexArg) => {
        const job = await entryAt(admin, indexArg, options.list);
        if (out.json) out.data(failedJobJson(job));
        else printEntry(out, job);
      }),
    );

  addFilterOptions(
    addConfirmOptions(
      adminCommand(failed, "retry [index]", "put failed jobs back on their queue: one by position, those a filter selects, or --all (entries stay, stamped retried_at, unless --remove)", [
        ["resque failed retry 0", "the oldest failed job (asks first)"],
        ["resque failed retry 0 --to critical", "onto another queue"],
        ["resque failed retry --class SendInvoice --remove --yes", "retry and remove every SendInvoice failure"],
        ["resque failed retry --all --dry-run", "how many would be retried"],
      ]),
    ),
    "failed",
  )
    .option("--remove", "remove the entries that were retried (a safe retry: both in one step)")
    .option("--to <queue>", "with a position: retry onto this queue instead of the one it failed on")
    .option("--all", "every failed entry (of --list when given)")
    .action(
      withAdmin<FilterFlags & ConfirmOptions & { remove?: boolean; to?: string; all?: boolean }>(async (context, indexArg) => {
        const { admin, options } = context;
        const keep = !options.remove;
        const selection = await selectEntries(admin, indexArg, options, "retry");
        const verb = keep ? "retry" : "retry and remove";
        if (options.to !== undefined && !selection.job) throw new UsageError("--to works with one entry named by its position; bulk retries go to each job's own queue.");
        if (selection.job) {
          const job = selection.job;
          const to = options.to === undefined ? undefined : name(options.to, "--to");
          return runChange(context, {
            what: `${verb} failed job ${job.index} of "${job.list}" (${describeEntry(job)}) onto "${to ?? (job.queue || "?")}"`,
            known: 1,
            doing: "retrying",
            done: keep ? "retried" : "retried and removed",
            noun: "failed job",
            act: () => one(() => (keep ? admin.failed.retry(job, to === undefined ? {} : { queue: to }) : admin.failed.retryAndRemove(job, to === undefined ? {} : { queue: to }))),
          });
        }
        if (selection.all) {
          const list = selection.list;
          return runChange(context, {
            what: `${verb} every failed job${list ? ` of "${list}"` : ""}`,
            count: async () => (list ? (await admin.failed.lists()).find((l) => l.name === list)?.size ?? 0 : admin.failed.count()),
            doing: "retrying",
            done: keep ? "retried" : "retried and removed",
            noun: "failed job",
            act: (bulk) => (keep ? admin.failed.retryAll({ ...bulk, ...(list ? { list } : {}) }) : admin.failed.retryAndRemoveAll({ ...bulk, ...(list ? { list } : {}) })),
          });
        }
        const filter = selection.filter;
        return runChange(context, {
          what: `${verb} the failed jobs with ${describeFilter(filter)}`,
          count: (bulk) => admin.failed.count(filter, bulk),
          outOf: await admin.failed.count(),
          doing: "retrying",
          done: keep ? "retried" : "retried and removed",
          noun: "failed job",
          act: (bulk) => (keep ? admin.failed.retryMatching(filter, bulk) : admin.failed.retryAndRemoveMatching(filter, bulk)),
        });
      }),
    );

  addFilterOptions(
    addConfirmOptions(
      adminCommand(failed, "remove [index]", "remove failed entries without retrying them: one by position, or those a filter selects", [
        ["resque failed remove 0", "the oldest entry (asks first)"],
        ["resque failed remove --exception ActiveRecord::RecordNotFound --yes", "every entry of that exception"],
      ]),
    ),
    "failed",
  ).action(
    withAdmin<FilterFlags & ConfirmOptions>(async (context, indexArg) => {
      const { admin } = context;
      const selection = await selectEntries(admin, indexArg, { ...context.options, all: false }, "remove");
      if (selection.job) {
        const job = selection.job;
        return runChange(context, {
          what: `remove failed job ${job.index} of "${job.list}" (${describeEntry(job)})`,
          known: 1,
          doing: "removing",
          done: "removed",
          noun: "failed job",
          act: () => one(() => admin.failed.remove(job)),
        });
      }
      const filter = selection.filter!;
      return runChange(context, {
        what: `remove the failed jobs with ${describeFilter(filter)}`,
        count: (bulk) => admin.failed.count(filter, bulk),
        outOf: await admin.failed.count(),
        doing: "removing",
        done: "removed",
        noun: "failed job",
        act: (bulk) => admin.failed.removeMatching(filter, bulk),
      });
    }),
  );

  addConfirmOptions(
    adminCommand(failed, "clear", "remove every failed entry (of every list, or of --list)", [
      ["resque failed clear", "empties every failed list after asking"],
      ["resque failed clear --list mail_failed --yes", "one RedisMultiQueue list"],
    ]),
  )
    .option("--list <name>", 'only this list ("failed" or "<queue>_failed")')
    .action(
      withAdmin<ConfirmOptions & { list?: string }>(async (context) => {
        const { admin, options } = context;
        const lists = await admin.failed.lists();
        const list = options.list === undefined ? undefined : await knownList(admin, options.list);
        const size = list === undefined ? lists.reduce((sum, l) => sum + l.size, 0) : lists.find((l) => l.name === list)!.size;
        return runChange(context, {
          what: list === undefined ? "remove every failed job" : `remove every failed job of "${list}"`,
          known: size,
          doing: "clearing",
          done: "removed",
          noun: "failed job",
          act: async () => {
            const dropped = await admin.failed.clear(list === undefined ? {} : { list });
            return { examined: dropped, matched: dropped, affected: dropped, changedMeanwhile: 0, skipped: 0, aborted: false };
          },
        });
      }),
    );
}

async function knownList(admin: Admin, value: string): Promise<string> {
  const list = name(value, "--list");
  const lists = await admin.failed.lists();
  if (list === DEFAULT_FAILED_LIST || lists.some((l) => l.name === list)) return list;
  throw new NothingMatchedError(`There is no failed list "${list}"; the lists are ${lists.map((l) => `"${l.name}"`).join(", ") || "(none)"}.`);
}

async function entryAt(admin: Admin, indexArg: string | undefined, listArg: string | undefined): Promise<FailedJob> {
  const position = index(indexArg);
  const list = await knownList(admin, listArg ?? DEFAULT_FAILED_LIST);
  const job = await admin.failed.get(position, list);
  if (job) return job;
  const size = (await admin.failed.lists()).find((l) => l.name === list)?.size ?? 0;
  throw new NothingMatchedError(`Failed list "${list}" has ${plural(size, "entry", "entries")}; there is no entry at position ${position}${size > 0 ? ` (0 to ${size - 1})` : ""}.`);
}

type Selection =
  | { job: FailedJob; all?: undefined; list?: undefined; filter?: undefined }
  | { job?: undefined; all: true; list: string | undefined; filter?: undefined }
  | { job?: undefined; all?: undefined; list?: undefined; filter: FailedFilter };

/** One entry by position, every entry (--all), or a filter; none of them is a usage error, never "all". */
async function selectEntries(admin: Admin, indexArg: string | undefined, flags: FilterFlags & { all?: boolean }, verb: string): Promise<Selection> {
  const filter = failedFilter(flags);
  const { list, ...narrowing } = filter;
  const given = [indexArg !== undefined, Boolean(flags.all), selectsBy(narrowing)].filter(Boolean).length;
  if (given === 0) {
    throw new UsageError(
      `Say which failed jobs to ${verb}: a position (as resque failed list shows it), a filter (--class, --queue, --exception, --text, --args-contains, --args, --since, --until)${verb === "retry" ? ", or --all" : "; to remove every entry, use resque failed clear"}.`,
    );
  }
  if (given > 1) throw new UsageError("Give one of: a position, a filter, or --all.");
  if (indexArg !== undefined) return { job: await entryAt(admin, indexArg, list) };
  if (flags.all) return { all: true, list: list === undefined ? undefined : await knownList(admin, list) };
  if (list !== undefined) await knownList(admin, list);
  return { filter };
}

function describeEntry(job: FailedJob): string {
  return `${job.payload.class} ${oneLine(showArgs(job.payload.args), 40)}, ${job.exception}`;
}

function printFailed(out: Output, jobs: readonly FailedJob[], now: number): void {
  const several = new Set(jobs.map((j) => j.list)).size > 1 || jobs.some((j) => j.list !== DEFAULT_FAILED_LIST);
  out.table(
    [
      ...(several ? [{ header: "LIST" }] : []),
      { header: "INDEX", right: true },
      { header: "FAILED AT" },
      { header: "QUEUE" },
      { header: "CLASS" },
      { header: "EXCEPTION" },
      { header: "ERROR", shrink: true },
    ],
    jobs.map((job) => [
      ...(several ? [job.list] : []),
      String(job.index),
      out.tty ? timeFrom(job.failedAt, now) : time(job.failedAt),
      job.queue || "-",
      job.payload.class,
      out.c.red(job.exception),
      `${job.retriedAt ? out.c.dim("[retried] ") : ""}${oneLine(job.error)}`,
    ]),
  );
}

function printEntry(out: Output, job: FailedJob): void {
  out.fields([
    ["list", job.list],
    ["index", String(job.index)],
    ["failed at", time(job.failedAt)],
    ["queue", job.queue || "-"],
    ["class", job.payload.class],
    ["args", showArgs(job.payload.args)],
    ["exception", out.c.red(job.exception)],
    ["error", job.error],
    ["worker", job.worker || "-"],
    ...(job.retriedAt ? ([["retried at", time(job.retriedAt)]] as const) : []),
    ...(job.attempts !== undefined ? ([["attempts", String(job.attempts)]] as const) : []),
    ...(job.rawPayload !== undefined ? ([["raw payload", job.rawPayload]] as const) : []),
  ]);
  if (job.backtrace.length > 0) {
    out.line(out.c.bold("backtrace:"));
    for (const frame of job.backtrace) out.line(`  ${frame}`);
  }
}
