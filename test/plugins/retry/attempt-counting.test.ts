/**
 * Which classes have their retry attempts counted by the work cycle that reserves their jobs:
 * those whose retry plugin would count first thing in beforePerform, with the default identifier.
 */
import { describe, expect, it } from "vitest";
import { DontPerform, Job, plugin, retry, type Plugin } from "../../../src/index.js";
import { attemptCountingOf } from "../../../src/plugins/retry/attempt-counting.js";
import { Keys } from "../../../src/redis/keys.js";
import { collectRecorded } from "../../helpers/events.js";
import { useRedis } from "../../helpers/resque.js";
import { useClient } from "./helpers.js";

const keys = new Keys("resque:");

/** A plugin that skips every job in beforePerform, as a lock or throttle plugin may. */
const skipper: Plugin = {
  name: "skipper",
  beforePerform() {
    throw new DontPerform();
  },
};

@retry({ delay: 10 })
class OwnRetry extends Job<[number]> {
  static override queue = "counting";
  perform() {}
}

@retry({ backoff: [10, 60], expireKeyAfter: 100 })
class Expiring extends Job<[number]> {
  static override jobName = "Billing Run";
  perform() {}
}

@retry({ delay: 10, retryIdentifier: (args) => String(args[0]) })
class NamedIdentity extends Job<[number]> {
  perform() {}
}

// Decorators list a job's plugins top to bottom: the skipper's beforePerform runs first.
@plugin(skipper)
@retry({ delay: 10 })
class SkippedFirst extends Job<[number]> {
  static override queue = "counting";
  perform() {}
}

class NoRetry extends Job<[number]> {
  static beforePerformAudit() {}
  perform() {}
}

@retry({ delay: 10 })
class StaticHookAfter extends Job<[number]> {
  static beforePerformAudit() {}
  perform() {}
}

describe("attempt counting with the reservation", () => {
  it("covers a class whose own retry plugin counts first, naming it as the plugin does", () => {
    expect(attemptCountingOf("OwnRetry", OwnRetry, [], keys)).toEqual({ className: "OwnRetry", identityClass: "OwnRetry", expireSeconds: undefined });
    // Whitespace leaves the name as resque-retry removes it; the counter lives past the longest delay.
    expect(attemptCountingOf("Billing Run", Expiring, [], keys)).toEqual({ className: "Billing Run", identityClass: "BillingRun", expireSeconds: 160 });
    // The class's own static hooks run after every plugin's.
    expect(attemptCountingOf("StaticHookAfter", StaticHookAfter, [], keys)).toBeDefined();
  });

  it("covers a class counted by a global retry plugin, and a global one stepping aside for the class's own", () => {
    const global = retry({ delay: 5, expireKeyAfter: 1 }) as unknown as Plugin;
    expect(attemptCountingOf("NoRetry", NoRetry, [global], keys)).toMatchObject({ expireSeconds: 6 });
    expect(attemptCountingOf("OwnRetry", OwnRetry, [global], keys)).toMatchObject({ expireSeconds: undefined });
  });

  it("leaves out a class without a retry plugin, one that names its identities, and one whose other plugin runs first", () => {
    expect(attemptCountingOf("NoRetry", NoRetry, [], keys)).toBeUndefined();
    expect(attemptCountingOf("NamedIdentity", NamedIdentity, [], keys)).toBeUndefined();
    expect(attemptCountingOf("SkippedFirst", SkippedFirst, [], keys)).toBeUndefined();
    expect(attemptCountingOf("OwnRetry", OwnRetry, [skipper], keys)).toBeUndefined();
  });

  describe("in a worker", () => {
    const redis = useRedis();
    const newClient = useClient(redis);

    it("a job skipped by a plugin whose beforePerform runs before the retry plugin's leaves no attempt counted, as in resque-retry", async () => {
      const resque = redis.make({ jobs: [SkippedFirst] });
      await resque.enqueue(SkippedFirst, 1);
      const worker = resque.worker({ queues: "counting", interval: 30 });
      const done = collectRecorded(worker, "job:success", 1);
      await worker.start();
      await done;
      await worker.stop();
      expect(await newClient().keys("resque:resque-retry:*")).toEqual([]);
    });
  });
});
