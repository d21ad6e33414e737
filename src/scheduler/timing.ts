/** When a recurring schedule is due: the slots of a cron expression or an `every` interval. */
export interface Timing {
  /** The first slot strictly after `after` (epoch ms), or undefined when none follows. */
  next(after: number): number | undefined;
  /** The last slot at or before `at` (epoch ms), or undefined when none precedes. */
  previous(at: number): number | undefined;
}
