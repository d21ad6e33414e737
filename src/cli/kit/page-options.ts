/**
 * Paging flags, the same in every command that lists a page of jobs: --start (first position)
 * and --count (how many, at least 1). Parsed by pageOf(), with the same checks everywhere.
 */
import type { Command } from "commander";
import { wholeNumber } from "./arguments.js";

/** Jobs listed when --count is not given. */
const PAGE_SIZE = 20;

export interface PageFlags {
  start: string;
  count: string;
}

export function addPageOptions(command: Command, startHelp = "first position to show"): Command {
  return command.option("--start <n>", startHelp, "0").option("--count <n>", "how many to show", String(PAGE_SIZE));
}

export function pageOf(flags: PageFlags): { start: number; count: number } {
  return { start: wholeNumber(flags.start, "--start", 0), count: wholeNumber(flags.count, "--count", PAGE_SIZE, 1) };
}
