import { describe, expect, it } from "vitest";
import { retryDelay } from "../../../src/plugins/retry/backoff.js";
import { decideRetry } from "../../../src/plugins/retry/decision.js";
import { resolveRetryOptions, type RetryOptions } from "../../../src/plugins/retry/options.js";

const delays = (options: RetryOptions, attempts: number, error: unknown = new Error("x")) =>
  Array.from({ length: attempts }, (_, n) => retryDelay(resolveRetryOptions(options), n, error));

class NetworkError extends Error {
  override name = "NetworkError";
}
class DnsError extends NetworkError {
  override name = "DnsError";
}

describe("retry delays", () => {
  it("fixed", () => {
    expect(delays({ delay: 30 }, 3)).toEqual([30, 30, 30]);
    expect(delays({}, 2)).toEqual([0, 0]);
  });

  it("a backoff list is indexed by the failed attempt and clamps to its last value", () => {
    expect(delays({ backoff: [10, 60, 600] }, 6)).toEqual([10, 60, 600, 600, 600, 600]);
    expect(delays({ backoff: [5] }, 3)).toEqual([5, 5, 5]);
  });

  it("exponential: min, then base times longer each attempt, capped at max", () => {
    expect(delays({ exponential: { base: 2, min: 5, max: 60 } }, 6)).toEqual([5, 10, 20, 40, 60, 60]);
    expect(delays({ exponential: true }, 4)).toEqual([1, 2, 4, 8]);
    expect(delays({ exponential: true }, 40).at(-1)).toBe(86_400);
  });

  it("jitter multiplies by a factor between its bounds (injectable random source)", () => {
    expect(delays({ delay: 100, jitter: 0.2, random: () => 0 }, 1)).toEqual([80]);
    expect(delays({ delay: 100, jitter: 0.2, random: () => 0.5 }, 1)).toEqual([100]);
    expect(delays({ delay: 100, jitter: { min: 1, max: 3 }, random: () => 0.75 }, 1)).toEqual([250]);
    const upper = delays({ delay: 100, jitter: 0.2, random: () => 1 - Number.EPSILON }, 1)[0]!;
    expect(upper).toBeLessThan(120);
    expect(upper).toBeGreaterThan(119.99);
  });

  it("jitter stays within its bounds with the real random source", () => {
    const seen = delays({ backoff: [10, 60, 600], jitter: { min: 0.5, max: 1.5 }, limit: 1000 }, 1000);
    seen.forEach((delay, n) => {
      const base = [10, 60, 600][Math.min(n, 2)]!;
      expect(delay).toBeGreaterThanOrEqual(base * 0.5);
      expect(delay).toBeLessThanOrEqual(base * 1.5);
    });
    expect(new Set(seen).size).toBeGreaterThan(900); // really random
  });

  it("per-error delays: the error's own class wins over an ancestor, names and classes alike; lists clamp", () => {
    const options: RetryOptions = { retryOn: { Error: 1, NetworkError: [30, 90] } };
    expect(delays(options, 3, new NetworkError("down"))).toEqual([30, 90, 90]);
    expect(delays(options, 1, new DnsError("nx"))).toEqual([30]);
    expect(delays(options, 1, new TypeError("t"))).toEqual([1]);
    const byClass: RetryOptions = { retryOn: new Map<never, number>([[NetworkError as never, 7], [DnsError as never, 3]]) };
    expect(delays(byClass, 1, new DnsError("nx"))).toEqual([3]);
    expect(delays(byClass, 1, new NetworkError("down"))).toEqual([7]);
  });
});

describe("the retry decision", () => {
  const decide = (options: RetryOptions, attempt: number, error: unknown) => decideRetry(resolveRetryOptions(options), attempt, error);

  it("retries while attempt < limit (0 = the first run), like resque-retry", () => {
    expect(decide({ limit: 2 }, 0, new Error())).toEqual({ kind: "retry", delay: 0 });
    expect(decide({ limit: 2 }, 1, new Error())).toEqual({ kind: "retry", delay: 0 });
    expect(decide({ limit: 2 }, 2, new Error())).toEqual({ kind: "give-up", reason: "limit" });
    expect(decide({ limit: 0 }, 0, new Error())).toEqual({ kind: "give-up", reason: "limit" });
    expect(decide({ limit: Infinity }, 1e6, new Error())).toEqual({ kind: "retry", delay: 0 });
  });

  it("fatalOn gives up at once, by class, name or predicate", () => {
    const options: RetryOptions = { fatalOn: [TypeError, "NetworkError", (e) => (e as Error).message === "stop"] };
    expect(decide(options, 0, new TypeError("t"))).toEqual({ kind: "give-up", reason: "fatal" });
    expect(decide(options, 0, new DnsError("subclass by name"))).toEqual({ kind: "give-up", reason: "fatal" });
    expect(decide(options, 0, new Error("stop"))).toEqual({ kind: "give-up", reason: "fatal" });
    expect(decide(options, 0, new RangeError("r"))).toEqual({ kind: "retry", delay: 0 });
  });

  it("retryOn retries only the errors it names", () => {
    const options: RetryOptions = { retryOn: [NetworkError], delay: 5 };
    expect(decide(options, 0, new DnsError("nx"))).toEqual({ kind: "retry", delay: 5 });
    expect(decide(options, 0, new Error("other"))).toEqual({ kind: "give-up", reason: "not-retryable" });
    expect(decide(options, 0, "a thrown string")).toEqual({ kind: "give-up", reason: "not-retryable" });
  });
});
