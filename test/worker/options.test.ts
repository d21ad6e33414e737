/** Worker options a user can get wrong: each is refused when the worker is made, with the option's name. */
import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, Job, Resque } from "../../src/index.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

describe("worker options", () => {
  const redis = useRedis();
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  const refused: { options: Record<string, unknown>; message: RegExp }[] = [
    { options: { heartbeatInterval: 0 }, message: /^heartbeatInterval must be more than 0 seconds, got 0\.$/ },
    { options: { heartbeatInterval: -1 }, message: /^heartbeatInterval must be more than 0 seconds, got -1\.$/ },
    { options: { heartbeatInterval: "5" }, message: /^heartbeatInterval must be more than 0 seconds, got "5"\.$/ },
    { options: { dirtyExitLimit: 0 }, message: /^dirtyExitLimit must be a whole number of at least 1, got 0\.$/ },
    { options: { dirtyExitLimit: 1.5 }, message: /^dirtyExitLimit must be a whole number of at least 1, got 1\.5\.$/ },
    { options: { shutdownTimeout: -1 }, message: /^shutdownTimeout must be 0 or more seconds, got -1\.$/ },
    { options: { shutdownTimeout: Number.NaN }, message: /^shutdownTimeout must be 0 or more seconds, got NaN\.$/ },
    { options: { preShutdownTimeout: -2 }, message: /^preShutdownTimeout must be 0 or more seconds, got -2\.$/ },
    { options: { timeout: -5 }, message: /^timeout \(0 for none\) must be 0 or more seconds, got -5\.$/ },
    { options: { timeout: "abc" }, message: /^timeout \(0 for none\) must be 0 or more seconds, got "abc"\.$/ },
    { options: { queues: 5 }, message: /^queues must be a string \("a,b"\) or an array of queue names, got 5\.$/ },
    { options: { queues: ["a", 1] }, message: /^queues must be a string \("a,b"\) or an array of queue names, got \["a",1\]\.$/ },
    { options: { logger: { level: "warn" } }, message: /^The worker's logger option must be a pino logger .*\(missing: info, warn, error, debug, trace, child\)/ },
  ];

  for (const c of refused) {
    it(`refuses ${JSON.stringify(c.options)}`, () => {
      const resque = redis.make();
      const make = () => resque.worker({ queues: ["q"], ...(c.options as object) } as never);
      expect(make).toThrow(ConfigurationError);
      expect(make).toThrow(c.message);
    });
  }

  it("names the environment variable a bad default came from", () => {
    const resque = redis.make();
    process.env.RESQUE_TERM_TIMEOUT = "soon";
    expect(() => resque.worker({ queues: ["q"] })).toThrow(/^RESQUE_TERM_TIMEOUT \(the default of shutdownTimeout\) must be 0 or more seconds, got "soon"\.$/);
    // An explicit option wins over the variable.
    expect(() => resque.worker({ queues: ["q"], shutdownTimeout: 2 })).not.toThrow();
    process.env.RESQUE_PRE_SHUTDOWN_TIMEOUT = "-1";
    expect(() => resque.worker({ queues: ["q"], shutdownTimeout: 2 })).toThrow(/^RESQUE_PRE_SHUTDOWN_TIMEOUT \(the default of preShutdownTimeout\)/);
  });

  it("takes fractions of seconds, and a timeout of 0 as none", async () => {
    const resque = redis.make();
    const worker = resque.worker({ queues: ["q"], heartbeatInterval: 0.5, shutdownTimeout: 0, preShutdownTimeout: 0.25, timeout: 0, dirtyExitLimit: 1 });
    await worker.start();
    await worker.stop();
  });

  it("scheduler: refuses a negative grace and a catch-up below 1", () => {
    const resque = redis.make();
    expect(() => resque.scheduler({ graceSeconds: -1 })).toThrow(/^graceSeconds must be 0 or more seconds, got -1\.$/);
    expect(() => resque.scheduler({ maxCatchUp: 0 })).toThrow(/^maxCatchUp must be a whole number of at least 1, got 0\.$/);
    expect(() => resque.scheduler({ graceSeconds: 0, maxCatchUp: 1 })).not.toThrow();
  });

  it("refuses a logger without pino's methods when the Resque is made, and says how to set the level", () => {
    expect(() => new Resque({ logger: { level: "debug" } as never })).toThrow(/^The logger option must be a pino logger .*missing: info, warn, error, debug, trace, child\). To set the level of the default logger, set LOG_LEVEL or pass pino\(\{ level \}\)\.$/);
    expect(() => new Resque({ logger: console as never })).toThrow(/missing: child\)/);
    const resque = redis.make();
    expect(() => resque.scheduler({ logger: {} as never })).toThrow(/^The scheduler's logger option must be a pino logger/);
  });
});

describe("Resque and connection options", () => {
  const redis = useRedis();

  it("refuses values of the wrong kind before connecting, naming the option", () => {
    const url = redis.server().url;
    class Ping extends Job<[]> {
      static override queue = "ping";
      perform() {}
    }
    const refused: [options: Record<string, unknown>, message: RegExp][] = [
      [{ redis: 6379 }, /^The redis option takes a redis:\/\/ URL, Ruby's "host:port", .* got 6379\.$/],
      [{ redis: url, namespace: 5 }, /^The namespace must be a string \(default "resque"\), got 5\.$/],
      [{ redis: url, failureBackend: "nope" }, /^failureBackend must be "redis" .* or "redis_multi_queue" .*, got "nope"\.$/],
      [{ redis: url, connectionTimeout: 0 }, /^connectionTimeout must be more than 0 seconds, got 0\.$/],
      [{ redis: url, jobs: Ping }, /^The jobs option must be an array, got Ping \(a class or function\): use jobs: \[SendInvoice\]\.$/],
      [{ redis: url, plugins: {} }, /^The plugins option must be an array, got \{\}: use plugins: \[retry\(\)\]\.$/],
    ];
    for (const [options, message] of refused) {
      expect(() => new Resque({ logger: silentLogger, ...(options as object) })).toThrow(ConfigurationError);
      expect(() => new Resque({ logger: silentLogger, ...(options as object) })).toThrow(message);
    }
  });
});

describe("how a refused value is shown", () => {
  it("numbers as written, classes by name, and values JSON cannot show without failing", async () => {
    const { shownValue } = await import("../../src/option-checks.js");
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(shownValue(Number.NaN)).toBe("NaN");
    expect(shownValue("5")).toBe('"5"');
    expect(shownValue(class Ping {})).toBe("Ping (a class or function)");
    expect(shownValue(10n)).toBe("10n");
    expect(shownValue(cycle)).toBe("an object that JSON cannot show");
    expect(shownValue(undefined)).toBe("undefined");
  });
});
