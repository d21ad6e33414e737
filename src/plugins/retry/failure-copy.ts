/**
 * The copy of a failure that resque-retry's MultipleWithRetrySuppression keeps while the job will
 * be retried (`failure-resque-retry:<class>:<id>`): a failed-list entry whose failed_at has no
 * zone ("2026/11/25 14:53:24"), as Ruby writes it there. resque-web's Retry tab shows it.
 */
import { buildFailureEntry, type FailureDetails } from "../../failure/failure-entry.js";
import { failureTimeWithoutZone } from "../../redis/time-formats.js";

/** The copy of a failed run's failure; the run had a context, so its payload is a usable job. */
export function buildFailureCopy(details: FailureDetails & { failedAt: Date }): string {
  return buildFailureEntry(details, { payloadUsable: true, failedAtText: failureTimeWithoutZone(details.failedAt) });
}
