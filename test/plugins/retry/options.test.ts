import { describe, expect, it } from "vitest";
import { ConfigurationError, retry } from "../../../src/index.js";
import { resolveRetryOptions } from "../../../src/plugins/retry/options.js";

/** The message of the ConfigurationError that these options raise. */
function problem(options: unknown): string {
  try {
    resolveRetryOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as Error).message;
  }
  throw new Error(`no error for ${JSON.stringify(options)}`);
}

describe("retry options", () => {
  it("default: 3 retries at once, every error retried", () => {
    const o = resolveRetryOptions({});
    expect(o).toMatchObject({ limit: 3, delay: { kind: "fixed", seconds: 0 }, retryOn: undefined, fatalOn: undefined, jitter: undefined });
  });

  it("limit defaults to the length of backoff; Infinity retries forever; 0 never", () => {
    expect(resolveRetryOptions({ backoff: [10, 60, 600, 3600] }).limit).toBe(4);
    expect(resolveRetryOptions({ backoff: [10], limit: 7 }).limit).toBe(7);
    expect(resolveRetryOptions({ limit: Infinity }).limit).toBe(Infinity);
    expect(resolveRetryOptions({ limit: 0 }).limit).toBe(0);
  });

  it("rejects unknown option names, suggesting the one meant", () => {
    expect(problem({ backof: [1] })).toBe(
      'retry options: "backof" is not a retry option; did you mean "backoff"? Options: limit, delay, backoff, exponential, jitter, retryOn, fatalOn, retryQueue, expireKeyAfter, onRetry, onGiveUp, retryIdentifier, clock, random.',
    );
    expect(problem({ retry_limit: 3 })).toMatch(/^retry options: "retry_limit" is not a retry option\. Options: /);
    expect(problem({ Limit: 3 })).toMatch(/did you mean "limit"\?/);
  });

  it("rejects negative and non-numeric delays", () => {
    expect(problem({ delay: -1 })).toBe("retry options: delay must not be negative, got -1.");
    expect(problem({ delay: "10" })).toBe('retry options: delay must be a number of seconds, got "10".');
    expect(problem({ backoff: [10, -5] })).toBe("retry options: backoff[1] must not be negative, got -5.");
    expect(problem({ backoff: [10, NaN] })).toBe("retry options: backoff[1] must be a number of seconds, got NaN.");
    expect(problem({ retryOn: { NetworkError: -3 } })).toBe("retry options: retryOn.NetworkError must not be negative, got -3.");
  });

  it("rejects an empty backoff, and a backoff that is not a list", () => {
    expect(problem({ backoff: [] })).toBe("retry options: backoff is an empty list; give at least one delay in seconds.");
    expect(problem({ backoff: 10 })).toMatch(/backoff must be a list of delays in seconds such as \[10, 60, 600\], got 10/);
  });

  it("takes one of delay, backoff and exponential", () => {
    expect(problem({ delay: 5, backoff: [1] })).toBe("retry options: give only one of delay, backoff and exponential (got delay and backoff).");
    expect(problem({ backoff: [1], exponential: true })).toMatch(/got backoff and exponential/);
  });

  it("validates exponential backoff", () => {
    expect(resolveRetryOptions({ exponential: true }).delay).toEqual({ kind: "exponential", base: 2, min: 1, max: 86_400 });
    expect(resolveRetryOptions({ exponential: { base: 3, min: 5, max: 600 } }).delay).toEqual({ kind: "exponential", base: 3, min: 5, max: 600 });
    expect(problem({ exponential: { min: 60, max: 10 } })).toBe("retry options: exponential.max (10) must not be below exponential.min (60).");
    expect(problem({ exponential: { base: 0.5 } })).toMatch(/exponential\.base must be 1 or more/);
    expect(problem({ exponential: { factor: 2 } })).toBe('retry options: exponential has no option "factor"; it takes base, min and max.');
    expect(problem({ exponential: 2 })).toMatch(/exponential must be true or \{ base, min, max \}/);
  });

  it("rejects negative or fractional limits, naming what to use instead", () => {
    expect(problem({ limit: -1 })).toBe("retry options: limit must not be negative, got -1; use Infinity to retry forever, 0 to never retry.");
    expect(problem({ limit: 2.5 })).toBe("retry options: limit must be a whole number of retries (or Infinity), got 2.5.");
  });

  it("validates jitter: a ratio in [0, 1) or { min, max }", () => {
    expect(resolveRetryOptions({ jitter: 0.25 }).jitter).toEqual({ min: 0.75, max: 1.25 });
    expect(resolveRetryOptions({ jitter: { min: 0.5, max: 2 } }).jitter).toEqual({ min: 0.5, max: 2 });
    expect(problem({ jitter: 1 })).toBe("retry options: jitter as a ratio must be at least 0 and below 1 (0.2 means ±20%), got 1.");
    expect(problem({ jitter: -0.1 })).toMatch(/jitter as a ratio must be at least 0/);
    expect(problem({ jitter: { min: 2, max: 1 } })).toBe("retry options: jitter.max (1) must not be below jitter.min (2).");
    expect(problem({ jitter: { min: -1, max: 1 } })).toBe("retry options: jitter.min must not be negative, got -1.");
    expect(problem({ jitter: { low: 1 } })).toMatch(/jitter has no option "low"/);
  });

  it("refuses retryOn together with fatalOn", () => {
    expect(problem({ retryOn: [TypeError], fatalOn: [RangeError] })).toBe(
      "retry options: give retryOn (retry only these errors) or fatalOn (retry all but these), not both.",
    );
  });

  it("checks each error matcher", () => {
    expect(problem({ retryOn: [] })).toMatch(/retryOn is an empty list, so nothing would be retried/);
    expect(problem({ fatalOn: [42] })).toBe("retry options: fatalOn[0] must be an error class, an error name or a predicate (error) => boolean, got 42.");
    expect(problem({ retryOn: [""] })).toMatch(/retryOn\[0\] is an empty error name/);
    const o = resolveRetryOptions({ retryOn: new Map<unknown, number | number[]>([[TypeError, 5], ["NetworkError", [1, 2]]]) as never });
    expect(o.retryOn).toMatchObject({ kind: "delays", entries: [{ delays: 5 }, { delays: [1, 2] }] });
  });

  it("checks the remaining options' types", () => {
    expect(problem({ retryQueue: "" })).toBe('retry options: retryQueue must be a queue name, got "".');
    expect(problem({ expireKeyAfter: 0 })).toMatch(/expireKeyAfter must be more than 0 seconds/);
    expect(problem({ onGiveUp: "log" })).toBe('retry options: onGiveUp must be a function, got "log".');
    expect(problem({ clock: Date })).toMatch(/clock must be an object with now\(\)/);
    expect(problem([10, 60])).toMatch(/options must be an object such as \{ backoff: \[10, 60, 600\] \}/);
  });

  it("retry(options) validates at once, where the class is defined", () => {
    expect(() => retry({ delay: -1 })).toThrow(ConfigurationError);
  });
});
