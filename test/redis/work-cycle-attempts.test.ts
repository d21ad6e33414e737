/**
 * The work cycle counts the retry attempt of a job it reserves, for classes the worker names
 * (plugins/retry/attempt-counting.ts): under resque-retry's key for the job, with the same
 * counter rules as retry-begin-attempts.lua.
 */
import { describe, expect, it } from "vitest";
import type { AttemptCountingClass, WorkCycleRequest } from "../../src/redis/stores/worker-store.js";
import { defaultRetryIdentifier } from "../../src/plugins/retry/identifier.js";
import { storeOf } from "../../src/redis/store-of.js";
import { useRedis } from "../helpers/resque.js";

const ID = "h:1:q";
const CHARGE: AttemptCountingClass = { className: "Charge", identityClass: "Charge", expireSeconds: undefined };

function cycle(reservation: string, extra: Partial<WorkCycleRequest> = {}): WorkCycleRequest {
  return {
    reservation,
    recovering: false,
    finished: [],
    idleSlots: [ID],
    selection: { kind: "literal", queues: ["q"] },
    runAt: "2026-11-25T14:49:20Z",
    honourPause: true,
    countAttempts: [CHARGE],
    ...extra,
  };
}

/** The name the retry plugin gives a Charge job with these args (JSON text). */
function identityName(argsJson: string): string {
  const identifier = defaultRetryIdentifier(argsJson);
  return identifier === undefined ? "Charge" : `Charge:${identifier}`;
}

describe("work-cycle counts retry attempts as it reserves", () => {
  const redis = useRedis();

  async function setUp() {
    const resque = redis.make();
    const store = storeOf(resque);
    await store.client.sadd("resque:workers", ID);
    const push = (payload: string) => store.client.rpush("resque:queue:q", payload);
    /** Runs one cycle that reserves the next job and records it as done (so the slot is idle again). */
    let n = 0;
    const reserve = async (extra: Partial<WorkCycleRequest> = {}) => {
      const result = await store.workers.workCycle(cycle(`t${++n}`, extra));
      const job = result.reserved[0];
      if (job) await store.workers.workCycle(cycle(`t${++n}`, { idleSlots: [], finished: [{ workerId: ID, outcome: "done", queue: "q", jobName: "Charge", durationMs: 1, reservation: job.reservation }] }));
      return job;
    };
    return { store, push, reserve };
  }

  it("counts under the identity the retry plugin computes for strings and integers, starting at attempt 0", async () => {
    const { store, push, reserve } = await setUp();
    const args = '["order 7", 42, -3, "ünïcode", 9007199254740991]';
    await push(`{"class":"Charge","args":${args}}`);
    await push(`{"class":"Charge","args":${args}}`);
    const first = await reserve();
    const second = await reserve();
    expect(first!.counted).toEqual({ attempt: 0, created: true, identityName: identityName(args), taken: false });
    expect(second!.counted).toEqual({ attempt: 1, created: false, identityName: identityName(args), taken: false });
    expect(await store.client.get(`resque:resque-retry:${identityName(args)}`)).toBe("1");
  });

  it("names a job without args by its class alone", async () => {
    const { push, reserve } = await setUp();
    await push('{"class":"Charge","args":[]}');
    expect((await reserve())!.counted).toMatchObject({ attempt: 0, identityName: "Charge" });
  });

  it("counts nothing for args Lua cannot join as Ruby does, nor for classes it was not asked to count", async () => {
    const { store, push, reserve } = await setUp();
    for (const args of ["[1.5]", "[[1, 2]]", '[{"a":1}]', "[null]", "[true]", "[12345678901234567890]"]) {
      await push(`{"class":"Charge","args":${args}}`);
      expect((await reserve())!.counted, args).toBeUndefined();
    }
    await push('{"class":"Refund","args":[1]}');
    expect((await reserve())!.counted).toBeUndefined();
    await push('{"class":"Charge","args":[1]}');
    expect((await reserve({ countAttempts: [] }))!.counted).toBeUndefined();
    expect(await store.client.keys("resque:resque-retry:*")).toEqual([]);
  });

  it("a counter it creates starts the identity afresh (a stale pending record goes) and lives as long as asked", async () => {
    const { store, push, reserve } = await setUp();
    const name = identityName("[5]");
    await store.client.set(`resque:resque-ts:retry-pending:${name}`, '{"counter":"3"}');
    await push('{"class":"Charge","args":[5]}');
    await reserve({ countAttempts: [{ ...CHARGE, expireSeconds: 99.2 }] });
    expect(await store.client.exists(`resque:resque-ts:retry-pending:${name}`)).toBe(0);
    expect(await store.client.ttl(`resque:resque-retry:${name}`)).toBe(100);
  });

  it("a counter that exists (a retry on its way) is counted on without clearing its pending record", async () => {
    const { store, push, reserve } = await setUp();
    const name = identityName("[5]");
    await store.client.set(`resque:resque-retry:${name}`, "0");
    await store.client.set(`resque:resque-ts:retry-pending:${name}`, '{"counter":"0"}');
    await push('{"class":"Charge","args":[5]}');
    expect((await reserve())!.counted).toMatchObject({ attempt: 1, created: false });
    expect(await store.client.exists(`resque:resque-ts:retry-pending:${name}`)).toBe(1);
  });

  it("a recovering call hands back the job the lost call reserved with the attempt that call counted, counting nothing again", async () => {
    const { store, push } = await setUp();
    await push('{"class":"Charge","args":[8]}');
    // The first call ran, but its reply was lost.
    await store.workers.workCycle(cycle("lost"));
    const recovered = await store.workers.workCycle(cycle("again", { recovering: true }));
    expect(recovered.reserved[0]!.counted).toEqual({ attempt: 0, created: false, identityName: identityName("[8]"), taken: false });
    expect(await store.client.get(`resque:resque-retry:${identityName("[8]")}`)).toBe("0");
  });

  it("undoing a count restores the counter: deleted when the count created it, one lower otherwise, left alone when gone", async () => {
    const { store } = await setUp();
    const key = "resque:resque-retry:Charge:x";
    await store.client.set(key, "0");
    await store.retries.uncountAttempt("Charge:x", true);
    expect(await store.client.exists(key)).toBe(0);
    await store.client.set(key, "2");
    await store.retries.uncountAttempt("Charge:x", false);
    expect(await store.client.get(key)).toBe("1");
    // Created by the count, but another run counted since: only this count is taken back.
    await store.retries.uncountAttempt("Charge:x", true);
    expect(await store.client.get(key)).toBe("0");
    await store.client.del(key);
    await store.retries.uncountAttempt("Charge:x", false);
    expect(await store.client.exists(key)).toBe(0);
  });
});
