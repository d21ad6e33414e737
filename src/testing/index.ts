/**
 * resque-ts/testing: helpers for an application's own tests (docs/testing.md). They work on a
 * real Redis, as the application does: give the tests a Redis database of their own.
 */
export {
  ResqueTesting,
  type ResqueTestingOptions,
  type DrainOptions,
  type InlineOptions,
  type EnqueuedJob,
  type AdvanceResult,
} from "./resque-testing.js";
export type { JobRun, DrainResult } from "./job-run.js";
export { TestClock } from "./test-clock.js";
export type { FiredSlot } from "../scheduler/recurring-jobs.js";
