/**
 * Work lanes: a worker's slots split into groups that each run their own work loop, so one
 * group's work-cycle call is in Redis while the other group's jobs run in JavaScript.
 *
 * With one loop, a batch goes lock-step: the jobs of a cycle run, then the cycle that records them
 * and reserves the next batch waits for Redis, and the process idles. Measured in process
 * (2 cores, loopback Redis): at concurrency 50, a third to two fifths of the main thread idle;
 * two lanes ran about 35 % more succeeding and 25 % more failing jobs per second for the same CPU
 * per job; at concurrency 10, 40 % more succeeding jobs for 20 % more CPU per job. Each lane's
 * batch is half as large, so a job costs a little more of Redis (two calls where one carried the
 * batch): lanes start at LANE_SLOTS slots per lane, where a half batch still spreads a call's
 * fixed cost over several jobs.
 *
 * Each lane has its own connection: on a shared one both lanes' replies arrive in one read, their
 * jobs run in one burst and their calls go out together, so nothing overlaps. Both lanes' calls
 * may be out at once, and Redis may answer them in either order: an immediate stop requeues each
 * lane's jobs in the order its call reserved them, one lane's run of the queue before the other's.
 *
 * A sharded worker whose slots are a budget shared across shards keeps one lane: the budget
 * already hands its slots to one shard's loop at a time.
 */

/** Slots a lane gets at least. */
export const LANE_SLOTS = 5;

/** How many lanes a worker with `concurrency` slots runs (at most two). */
export function laneCount(concurrency: number, sharedBudget: boolean): number {
  return !sharedBudget && concurrency >= 2 * LANE_SLOTS ? 2 : 1;
}
