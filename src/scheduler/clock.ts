/** Where the scheduler reads the time; tests inject a fake or fast clock. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
}

let replacement: Clock | undefined;

/**
 * The time everything without a clock of its own reads: delayed jobs, retries, the scheduler.
 * `resque-ts/testing` can replace it for a whole test process (see useClock).
 */
export const systemClock: Clock = { now: () => (replacement === undefined ? Date.now() : replacement.now()) };

/** Makes systemClock read `clock` (undefined: the real time again). Returns the clock it replaced. */
export function useClock(clock: Clock | undefined): Clock | undefined {
  const previous = replacement;
  replacement = clock;
  return previous;
}
