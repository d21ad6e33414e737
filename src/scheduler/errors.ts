/** Errors of delayed jobs and schedules; messages say what was wrong and how to fix it. */
import { ResqueError } from "../errors.js";

/** A time given to enqueueAt, enqueueIn, reschedule or a peek is not a usable time. */
export class InvalidTimeError extends ResqueError {
  override name = "InvalidTimeError";
}

/**
 * A schedule entry is invalid. `entry` names the schedule and `field` the setting at fault, so
 * a file with many entries points straight at the line to fix.
 */
export class ScheduleConfigError extends ResqueError {
  override name = "ScheduleConfigError";

  constructor(
    readonly entry: string,
    readonly field: string | undefined,
    problem: string,
  ) {
    super(field ? `schedule "${entry}": field "${field}": ${problem}` : `schedule "${entry}": ${problem}`);
  }
}

/** A schedule file cannot be used: unreadable, not YAML/JSON, or with invalid entries (all listed). */
export class ScheduleFileError extends ResqueError {
  override name = "ScheduleFileError";

  constructor(
    readonly file: string,
    message: string,
    readonly problems: readonly ScheduleConfigError[] = [],
  ) {
    super(message);
  }
}
