/** `resque stats`: totals, what is waiting and running, and a sparkline of the last hour. */
import type { Command } from "commander";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { count, plural } from "../kit/format.js";
import { sparkline } from "../kit/sparkline.js";

export function registerStatsCommand(program: Command): void {
  adminCommand(program, "stats", "totals, jobs waiting, running, failed and delayed, and the last hour per minute", [
    ["resque stats", "the numbers and a sparkline of the last hour"],
    ["resque stats --json", "the same for scripts (lastHour: 60 minutes, oldest first)"],
  ]).action(
    withAdmin(async ({ admin, out }) => {
      const [overview, delayed, history] = await Promise.all([admin.overview(), admin.delayed.count(), admin.stats.history({ resolution: "minute" })]);
      const pending = overview.queues.reduce((sum, q) => sum + q.size, 0);
      const stats = {
        processed: overview.totals.processed,
        failed: overview.totals.failed,
        pending,
        queues: overview.queues.length,
        workers: overview.workers.length,
        working: overview.running.length,
        failedEntries: overview.failed.count,
        delayed,
        lastHour: history.points.map((p) => ({ at: p.at.toISOString(), processed: p.processed, failed: p.failed })),
      };
      if (out.json) {
        out.data(stats);
        return;
      }
      out.fields([
        ["processed", `${count(stats.processed)} (ever; failed jobs included, as Resque counts)`],
        ["failed", count(stats.failed)],
        ["pending", `${plural(pending, "job")} on ${plural(stats.queues, "queue")}`],
        ["workers", `${count(stats.workers)} (${count(stats.working)} working)`],
        ["failed list", plural(stats.failedEntries, "entry", "entries")],
        ["delayed", plural(delayed, "job")],
      ]);
      const processed = history.points.map((p) => p.processed);
      const failed = history.points.map((p) => p.failed);
      const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
      out.line();
      out.line(out.c.bold("last hour, per minute (resque-ts workers):"));
      out.line(`  processed ${out.c.green(sparkline(processed))} ${count(sum(processed))} (busiest minute ${count(Math.max(0, ...processed))})`);
      out.line(`  failed    ${out.c.red(sparkline(failed))} ${count(sum(failed))}`);
    }),
  );
}
