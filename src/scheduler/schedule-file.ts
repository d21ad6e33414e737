/**
 * Schedule files: YAML (as resque-scheduler's) or JSON (by the .json extension), a mapping of
 * schedule names to their settings. The whole file is validated before anything runs: one bad
 * entry rejects the file, with every problem listed, so a scheduler never starts with half a schedule.
 */
import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { lazyDependency } from "../lazy-dependency.js";

const yaml = lazyDependency<typeof import("yaml")>("yaml");
import { ScheduleFileError } from "../errors.js";
import type { Schedule } from "./schedule.js";
import { parseSchedules, type ScheduleContext } from "./schedule-config.js";

/** Reads and parses a schedule file into its raw entries. Throws ScheduleFileError. */
export function readScheduleFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ScheduleFileError(file, `cannot read schedule file ${file}: ${(error as Error).message}`);
  }
  try {
    const entries: unknown = extname(file).toLowerCase() === ".json" ? JSON.parse(text) : yaml().parse(text);
    return entries ?? {};
  } catch (error) {
    throw new ScheduleFileError(file, `schedule file ${file} is not valid ${extname(file).toLowerCase() === ".json" ? "JSON" : "YAML"}: ${(error as Error).message}`);
  }
}

/** Validates raw entries from `source` (a file name, or a description); throws ScheduleFileError listing every problem. */
export function validateScheduleEntries(source: string, entries: unknown, context: ScheduleContext): Schedule[] {
  const { schedules, problems } = parseSchedules(entries, context);
  if (problems.length > 0) {
    const count = problems.length === 1 ? "an invalid entry" : `${problems.length} invalid entries`;
    const list = problems.map((p) => `  - ${p.message}`).join("\n");
    throw new ScheduleFileError(source, `${source} has ${count}; nothing was scheduled:\n${list}`, problems);
  }
  return schedules;
}

/** Reads and validates a schedule file. */
export function loadScheduleFile(file: string, context: ScheduleContext): Schedule[] {
  return validateScheduleEntries(`schedule file ${file}`, readScheduleFile(file), context);
}
