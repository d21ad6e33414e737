/**
 * `resque edit` without --args: the job's class and arguments open in $VISUAL / $EDITOR as JSON;
 * what is saved becomes the edit. Text that is not such JSON changes nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./exit-codes.js";

export interface EditedJob {
  class: string;
  args: unknown[];
}

/** Opens the editor on the job; returns what was saved, parsed and checked. */
export function editInEditor(job: EditedJob, env: NodeJS.ProcessEnv = process.env): EditedJob {
  const editor = env.VISUAL || env.EDITOR;
  if (!editor) throw new UsageError("No editor: set $EDITOR (or $VISUAL), or give the new arguments with --args '<json>' (and/or --class <name>).");
  const dir = mkdtempSync(join(tmpdir(), "resque-edit-"));
  const file = join(dir, "job.json");
  try {
    writeFileSync(file, `${JSON.stringify({ class: job.class, args: job.args }, null, 2)}\n`);
    // Through the shell, as git does: $EDITOR may carry arguments ("code --wait").
    const run = spawnSync(`${editor} "${file}"`, { shell: true, stdio: "inherit" });
    if (run.error || run.status !== 0) throw new UsageError(`The editor (${editor}) did not exit cleanly (${run.error?.message ?? `exit code ${run.status}`}); nothing was changed.`);
    return parseEdited(readFileSync(file, "utf8"));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The saved text as a job: a JSON object with a string "class" and an array "args", nothing else. */
export function parseEdited(text: string): EditedJob {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`The edited job is not valid JSON (${(error as Error).message}); nothing was changed.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError('The edited job must be a JSON object { "class": "...", "args": [...] }; nothing was changed.');
  const { class: className, args, ...rest } = value as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new UsageError(`The edited job has members a Resque payload cannot carry (${extra.join(", ")}); keep only "class" and "args". Nothing was changed.`);
  if (typeof className !== "string" || className === "") throw new UsageError('The edited job needs a non-empty string "class"; nothing was changed.');
  if (!Array.isArray(args)) throw new UsageError('The edited job\'s "args" must be a JSON array; nothing was changed.');
  return { class: className, args };
}
