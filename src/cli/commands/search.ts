/** `resque search <text>`: a text in the class or arguments of queued, failed and delayed jobs. */
import type { Command } from "commander";
import type { QueuedJob } from "../../admin/queues.js";
import type { FailedJob } from "../../failure/failure-entry.js";
import { adminCommand, withAdmin } from "../kit/admin-command.js";
import { name, wholeNumber } from "../kit/arguments.js";
import { args as showArgs, time } from "../kit/format.js";
import { delayedJobJson, failedJobJson, queuedJobJson } from "../kit/json-shapes.js";

export function registerSearchCommand(program: Command): void {
  adminCommand(program, "search <text>", "find a text (any case) in the class or arguments of queued, failed and delayed jobs (failed: also the error)", [
    ["resque search 'invoice 42'", "every job mentioning it"],
    ["resque search user@example.com --limit 5", "at most 5 per queue and kind"],
  ])
    .option("--limit <n>", "most jobs shown per queue, for failed and for delayed", "20")
    .action(
      withAdmin<{ limit: string }>(async ({ admin, out, options }, textArg) => {
        const text = name(textArg, "The search text");
        const limit = wholeNumber(options.limit, "--limit", 20, 1);
        const filter = { text };
        const queued: QueuedJob[] = [];
        for (const queue of await admin.queues.names()) queued.push(...(await admin.queues.find(queue, filter, { limit })));
        const failed: FailedJob[] = [];
        for await (const job of admin.failed.entries({ filter })) {
          failed.push(job);
          if (failed.length >= limit) break;
        }
        const delayed = await admin.delayed.find(filter, { limit });
        if (out.json) {
          out.data({ text, queued: queued.map(queuedJobJson), failed: failed.map(failedJobJson), delayed: delayed.map(delayedJobJson) });
        } else if (queued.length + failed.length + delayed.length === 0) {
          out.line(`Nothing mentions "${text}".`);
        } else {
          out.table(
            [{ header: "WHERE" }, { header: "CLASS" }, { header: "ARGS", shrink: true }],
            [
              ...queued.map((j) => [`queue ${j.queue} #${j.index}`, j.class, showArgs(j.args)]),
              ...failed.map((j) => [`failed ${j.list === "failed" ? "" : `${j.list} `}#${j.index}`, j.payload.class, `${showArgs(j.payload.args)}  ${out.c.red(j.exception)}`]),
              ...delayed.map((j) => [`delayed ${time(j.at)}`, j.class, showArgs(j.args)]),
            ],
          );
        }
        return queued.length + failed.length + delayed.length === 0 ? 3 : 0;
      }),
    );
}
