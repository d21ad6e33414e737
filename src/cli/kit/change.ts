/**
 * How every destructive command runs: say what it will touch (with how many items, counted now,
 * unless --yes), stop there on --dry-run, ask, then act with a progress bar and Ctrl-C between
 * chunks, and report what was done. Exit codes: 0 done, 3 nothing matched, 1 declined, 130
 * interrupted (what was done before stays done and is reported).
 */
import type { BulkOptions, BulkResult } from "../../admin/bulk.js";
import { emptyResult } from "../../admin/bulk.js";
import type { CommandContext } from "./admin-command.js";
import { assertCanConfirm, confirm, type ConfirmOptions } from "./confirm.js";
import { EXIT, NothingMatchedError } from "./exit-codes.js";
import { count as n, plural } from "./format.js";
import { changeJson } from "./json-shapes.js";
import { withProgress } from "./progress.js";

export interface ChangePlan {
  /** What it does to what, for people: 'remove the jobs of queue "mail" with class "Spam"'. */
  what: string;
  /** Counts the items it will touch (a walk, with progress); omitted when the number is known or not worth a walk. */
  count?: (bulk: BulkOptions) => Promise<number>;
  /** The number of items, when known without counting (one job by position: 1). */
  known?: number;
  /** The items of the selection, out of how many ("of 50,000 jobs"). */
  outOf?: number;
  /** Present participle for the progress bar: "removing". */
  doing: string;
  /** Past tense for the report: "removed". */
  done: string;
  /** The item word: "job", "failed job", "delayed job". */
  noun: string;
  /** Does it, in chunks when many. */
  act: (bulk: BulkOptions) => Promise<BulkResult>;
}

/** One item's change as a BulkResult (one job named by position). */
export async function one(change: () => Promise<unknown>): Promise<BulkResult> {
  await change();
  return { ...emptyResult(), examined: 1, matched: 1, affected: 1 };
}

export async function runChange(context: CommandContext<ConfirmOptions>, plan: ChangePlan): Promise<number> {
  const { out, options } = context;
  const dryRun = Boolean(options.dryRun);
  const show = !out.json;
  // Refuse before a long count when there is no one to ask.
  if (!dryRun) assertCanConfirm(options);
  let matched = plan.known;
  if (matched === undefined && plan.count && (dryRun || !options.yes)) {
    const counted = await withProgress({ label: "counting", show }, (bulk) => plan.count!(bulk));
    matched = counted;
  }
  const scope = matched === undefined ? "" : `: ${plural(matched, plan.noun)}${plan.outOf === undefined ? "" : ` of ${n(plan.outOf)}`}`;
  const statement = `Will ${plan.what}${scope}.`;

  if (dryRun) {
    const result = { ...emptyResult(), matched: matched ?? 0 };
    if (out.json) out.data(changeJson(result, true));
    else out.line(`${statement} (dry run: nothing changed)`);
    return matched === 0 ? EXIT.nothingMatched : EXIT.ok;
  }
  if (matched === 0) throw new NothingMatchedError(`Nothing to do: no ${plan.noun} matches (${plan.what}).`);
  if (!options.yes || !out.json) out.note(statement);
  await confirm(options);

  const result = await withProgress({ label: plan.doing, show }, (bulk) => plan.act(bulk));
  if (out.json) out.data(changeJson(result, false));
  else out.line(report(plan, result));
  if (result.aborted) {
    out.note("Interrupted: stopped between two chunks; what is reported above was done.");
    return EXIT.interrupted;
  }
  if (result.matched === 0) return EXIT.nothingMatched;
  return EXIT.ok;
}

function report(plan: ChangePlan, result: BulkResult): string {
  const parts = [`${plan.done} ${plural(result.affected, plan.noun)}`];
  if (result.changedMeanwhile > 0) parts.push(`${n(result.changedMeanwhile)} changed meanwhile and ${result.changedMeanwhile === 1 ? "was" : "were"} left alone`);
  if (result.skipped > 0) parts.push(`${n(result.skipped)} skipped (no queue to retry on)`);
  if (result.aborted) parts.push(`interrupted after examining ${n(result.examined)}`);
  return parts.join("; ");
}
