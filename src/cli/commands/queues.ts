/**
 * Queue commands: `queues`, `peek`, `show`, `edit`, `remove`, `move`, `clear`. A job is named by
 * its queue and position as `peek` shows them; every change checks the job's bytes first, so a
 * queue that moved meanwhile never gets the wrong job changed.
 */
import type { Command } from "commander";
import type { Admin } from "../../admin/index.js";
import type { QueuedJob } from "../../admin/queues.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { index, jsonArgs, name } from "../kit/arguments.js";
import { addPageOptions, pageOf, type PageFlags } from "../kit/page-options.js";
import { one, runChange } from "../kit/change.js";
import { addConfirmOptions, type ConfirmOptions } from "../kit/confirm.js";
import { editInEditor, type EditedJob } from "../kit/editor.js";
import { NothingMatchedError, UsageError } from "../kit/exit-codes.js";
import { addFilterOptions, describeFilter, jobFilter, selectsBy, type FilterFlags } from "../kit/filter-options.js";
import { args as showArgs, count, oneLine, plural } from "../kit/format.js";
import { queuedJobJson } from "../kit/json-shapes.js";
import type { Output } from "../kit/output.js";

export function registerQueueCommands(program: Command): void {
  adminCommand(program, "queues", "list queues with their sizes and the workers taking from them", [
    ["resque queues", "every queue, its size and its workers"],
    ["resque queues --json", "the same for scripts"],
  ]).action(
    withAdmin(async ({ admin, out }) => {
      const { queues } = await admin.overview();
      if (out.json) {
        out.data({ queues: queues.map((q) => ({ name: q.name, size: q.size, workers: q.workers.length })) });
        return;
      }
      if (queues.length === 0) {
        out.line("No queues.");
        return;
      }
      out.table(
        [{ header: "QUEUE" }, { header: "SIZE", right: true }, { header: "WORKERS", right: true }],
        queues.map((q) => [q.name, count(q.size), q.size > 0 && q.workers.length === 0 ? out.c.red("0") : String(q.workers.length)]),
      );
    }),
  );

  addPageOptions(
    adminCommand(program, "peek <queue>", "show jobs waiting on a queue without taking them (0 = next to run)", [
      ["resque peek mail", "the next 20 jobs of mail"],
      ["resque peek mail --start 100 --count 50", "jobs 100 to 149"],
    ]),
  )
    .action(
      withAdmin<PageFlags>(async ({ admin, out, options }, queueArg) => {
        const { start, count: limit } = pageOf(options);
        const queue = await knownQueue(admin, queueArg);
        const [jobs, size] = await Promise.all([admin.queues.peek(queue, { start, count: limit }), admin.queues.size(queue)]);
        if (out.json) {
          out.data({ queue, size, start, jobs: jobs.map(queuedJobJson) });
          return;
        }
        if (jobs.length === 0) {
          out.line(size === 0 ? `Queue "${queue}" is empty.` : `Queue "${queue}" has ${plural(size, "job")}; none from position ${start}.`);
          return;
        }
        printJobs(out, jobs);
        if (out.tty) out.note(`${jobs.length} of ${plural(size, "job")} in "${queue}", from position ${start}`);
      }),
    );

  adminCommand(program, "show <queue> <index>", "show one queued job in full", [["resque show mail 0", "the next job of mail, with its exact payload"]]).action(
    withAdmin(async ({ admin, out }, queueArg, indexArg) => {
      const job = await jobAt(admin, queueArg, indexArg);
      if (out.json) {
        out.data(queuedJobJson(job));
        return;
      }
      printJob(out, job);
    }),
  );

  addConfirmOptions(
    adminCommand(program, "edit <queue> <index>", "change a queued job's class or arguments where it stands (refused if the job changed meanwhile)", [
      ["resque edit mail 3", "opens $EDITOR on the job's JSON"],
      ["resque edit mail 3 --args '[42, \"fixed\"]'", "new arguments"],
      ["resque edit mail 3 --class SendInvoiceV2", "new class, same arguments"],
    ]),
  )
    .option("--args <json>", "the new arguments, a JSON array")
    .option("--class <name>", "the new class name")
    .action(
      withAdmin<{ args?: string; class?: string } & ConfirmOptions>(async (context, queueArg, indexArg) => {
        const { admin, out, options } = context;
        if (options.class !== undefined) name(options.class, "--class");
        // Read the arguments before the job, so a typo costs nothing.
        const newArgs = options.args === undefined ? undefined : jsonArgs(options.args);
        const job = await jobAt(admin, queueArg, indexArg);
        if (job.error) out.note(`This payload cannot be run as it is (${job.error}); the edit rewrites it as a proper job.`);
        let edit: EditedJob;
        if (newArgs === undefined && options.class === undefined) {
          if (!process.stdin.isTTY && !options.dryRun) throw new UsageError("No terminal for an editor: give --args '<json>' and/or --class <name>.");
          edit = editInEditor({ class: job.class, args: job.args });
        } else {
          edit = { class: options.class ?? job.class, args: newArgs ?? job.args };
        }
        if (edit.class === job.class && JSON.stringify(edit.args) === JSON.stringify(job.args) && !job.error) {
          if (out.json) out.data({ changed: false, dryRun: Boolean(options.dryRun), job: queuedJobJson(job) });
          else out.line("No change: the job was left as it is.");
          return;
        }
        const preview = `${edit.class} ${showArgs(edit.args)}`;
        if (options.dryRun) {
          if (out.json) out.data({ changed: false, dryRun: true, job: queuedJobJson(job), edit: { class: edit.class, args: edit.args } });
          else out.line(`Would change job ${job.index} of "${job.queue}" from ${job.class} ${showArgs(job.args)} to ${preview} (dry run: nothing changed).`);
          return;
        }
        const updated = await admin.queues.editJob(job, { class: edit.class, args: edit.args });
        if (out.json) out.data({ changed: true, dryRun: false, job: queuedJobJson(updated) });
        else out.line(`Changed job ${updated.index} of "${updated.queue}" to ${preview}.`);
      }),
    );

  addFilterOptions(
    addConfirmOptions(
      adminCommand(program, "remove <queue> [index]", "remove one queued job by position, or the jobs a filter selects", [
        ["resque remove mail 3", "the job at position 3 (asks first)"],
        ["resque remove mail --class Spam --yes", "every Spam job, without asking"],
        ["resque remove mail --args-contains '\"bulk\":true' --dry-run", "how many would go"],
      ]),
    ),
    "queued",
  ).action(
    withAdmin<FilterFlags & ConfirmOptions>(async (context, queueArg, indexArg) => {
      const { admin } = context;
      const selection = await selectJobs(admin, queueArg, indexArg, context.options, "remove");
      if (selection.job) {
        const job = selection.job;
        return runChange(context, {
          what: `remove job ${job.index} of queue "${job.queue}" (${describeJob(job)})`,
          known: 1,
          doing: "removing",
          done: "removed",
          noun: "job",
          act: () => one(() => admin.queues.removeJob(job)),
        });
      }
      const { queue, filter } = selection;
      return runChange(context, {
        what: `remove the jobs of queue "${queue}" with ${describeFilter(filter)}`,
        count: (bulk) => admin.queues.count(queue, filter, bulk),
        outOf: await admin.queues.size(queue),
        doing: "removing",
        done: "removed",
        noun: "job",
        act: (bulk) => admin.queues.removeMatching(queue, filter, bulk),
      });
    }),
  );

  addFilterOptions(
    addConfirmOptions(
      adminCommand(program, "move <queue> [index]", "move one queued job, or the jobs a filter selects, to the back of another queue (bytes and order kept)", [
        ["resque move mail 0 --to mail_slow", "the next job of mail"],
        ["resque move mail --class Newsletter --to bulk --yes", "every Newsletter job"],
      ]),
    ),
    "queued",
  )
    .option("--to <queue>", "the queue to move to (required)")
    .action(
      withAdmin<FilterFlags & ConfirmOptions & { to?: string }>(async (context, queueArg, indexArg) => {
        const { admin, options } = context;
        const to = name(options.to, "--to (the queue to move to)");
        const selection = await selectJobs(admin, queueArg, indexArg, options, "move");
        if (selection.job) {
          const job = selection.job;
          if (to === job.queue) throw new UsageError(`--to names the queue the job is on ("${to}").`);
          return runChange(context, {
            what: `move job ${job.index} of queue "${job.queue}" (${describeJob(job)}) to "${to}"`,
            known: 1,
            doing: "moving",
            done: "moved",
            noun: "job",
            act: () => one(() => admin.queues.moveJob(job, to)),
          });
        }
        const { queue, filter } = selection;
        if (to === queue) throw new UsageError(`--to names the queue the jobs are on ("${to}").`);
        return runChange(context, {
          what: `move the jobs of queue "${queue}" with ${describeFilter(filter)} to "${to}"`,
          count: (bulk) => admin.queues.count(queue, filter, bulk),
          outOf: await admin.queues.size(queue),
          doing: "moving",
          done: "moved",
          noun: "job",
          act: (bulk) => admin.queues.moveMatching(queue, to, filter, bulk),
        });
      }),
    );

  addConfirmOptions(
    adminCommand(program, "clear <queue>", "drop every job of a queue (with --delete, forget the queue too)", [
      ["resque clear mail", "empties mail after asking"],
      ["resque clear old_queue --delete --yes", "drops its jobs and removes it from the queue list"],
    ]),
  )
    .option("--delete", "also remove the queue from the list of queues (Resque.remove_queue)")
    .action(
      withAdmin<ConfirmOptions & { delete?: boolean }>(async (context, queueArg) => {
        const { admin, options } = context;
        const queue = await knownQueue(admin, queueArg);
        const size = await admin.queues.size(queue);
        return runChange(context, {
          what: `${options.delete ? "delete" : "empty"} queue "${queue}"`,
          known: options.delete ? Math.max(size, 1) : size,
          doing: "clearing",
          done: "dropped",
          noun: "job",
          act: async () => {
            const dropped = options.delete ? await admin.queues.delete(queue) : await admin.queues.clear(queue);
            // Deleting an empty queue still did something: it forgot the queue.
            const matched = options.delete ? Math.max(dropped, 1) : dropped;
            return { examined: dropped, matched, affected: dropped, changedMeanwhile: 0, skipped: 0, aborted: false };
          },
        });
      }),
    );
}

/** A queue name that exists: listed in `queues`, or holding jobs. Else exit 3 naming the known queues. */
export async function knownQueue(admin: Admin, value: string | undefined): Promise<string> {
  const queue = name(value, "The queue name");
  const names = await admin.queues.names();
  if (names.includes(queue) || (await admin.queues.size(queue)) > 0) return queue;
  const known = names.length === 0 ? "there are no queues" : `the queues are ${names.map((n) => `"${n}"`).join(", ")}`;
  throw new NothingMatchedError(`There is no queue "${queue}"; ${known}.`);
}

/** The job at a position, or exit 3 saying how long the queue is. */
async function jobAt(admin: Admin, queueArg: string | undefined, indexArg: string | undefined): Promise<QueuedJob> {
  // The command line is checked before Redis is asked anything.
  const position = index(indexArg);
  const queue = await knownQueue(admin, queueArg);
  const job = await admin.queues.get(queue, position);
  if (job) return job;
  const size = await admin.queues.size(queue);
  throw new NothingMatchedError(`Queue "${queue}" has ${plural(size, "job")}; there is no job at position ${position}${size > 0 ? ` (0 to ${size - 1})` : ""}.`);
}

type Selection = { job: QueuedJob; queue?: undefined; filter?: undefined } | { job?: undefined; queue: string; filter: ReturnType<typeof jobFilter> };

/** One job by position, or a filter; both, or neither, is a usage error (never "all"). */
async function selectJobs(admin: Admin, queueArg: string | undefined, indexArg: string | undefined, flags: FilterFlags, verb: string): Promise<Selection> {
  const filter = jobFilter(flags);
  if (indexArg !== undefined && selectsBy(filter)) throw new UsageError(`Give a position or a filter, not both.`);
  if (indexArg !== undefined) return { job: await jobAt(admin, queueArg, indexArg) };
  if (!selectsBy(filter)) {
    throw new UsageError(
      `Say which jobs to ${verb}: a position (as resque peek shows it) or a filter (--class, --text, --args-contains, --args)${verb === "remove" ? "; to empty the queue, use resque clear" : ""}.`,
    );
  }
  return { queue: await knownQueue(admin, queueArg), filter };
}

function describeJob(job: QueuedJob): string {
  return `${job.class || "(no class)"} ${oneLine(showArgs(job.args), 60)}`;
}

function printJobs(out: Output, jobs: readonly QueuedJob[]): void {
  out.table(
    [{ header: "INDEX", right: true }, { header: "CLASS" }, { header: "ARGS", shrink: true }],
    jobs.map((job) => [String(job.index), job.error ? out.c.red(job.class || "(unreadable)") : job.class, job.error ? `${out.c.red("!")} ${job.error}` : showArgs(job.args)]),
  );
}

function printJob(out: Output, job: QueuedJob): void {
  out.fields([
    ["queue", job.queue],
    ["index", String(job.index)],
    ["class", job.class || "-"],
    ["args", showArgs(job.args)],
    ...(job.error ? ([["error", out.c.red(job.error)]] as const) : []),
    ["payload", job.raw],
  ]);
}
