/**
 * Payload bytes that are not valid UTF-8 are kept exactly: in the failed entry, in the worker key,
 * and whenever the job goes back to a queue (retry, requeue on TERM, pruning).
 */
import { describe, expect, it } from "vitest";
import { Job } from "../../src/index.js";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";
import { storeOf } from "../../src/redis/store-of.js";

const INVALID = Buffer.from([0xff, 0xfe, 0xc3, 0x6a, 0x75, 0x6e, 0x6b]);
// Valid JSON around an invalid byte inside a string argument.
const INSIDE = Buffer.concat([Buffer.from('{"class":"Hold","args":["'), Buffer.from([0xe9]), Buffer.from('"]}')]);

let release: (() => void) | undefined;
class Hold extends Job<[string]> {
  static override queue = "bytes";
  async perform() {
    await new Promise<void>((resolve) => (release = resolve));
  }
}

describe("payload bytes that are not UTF-8", () => {
  const redis = useRedis();

  it("fail with the exact bytes kept in raw_payload_base64, and a retry pushes those bytes back", async () => {
    const resque = redis.make({ jobs: [Hold] });
    const client = redis.server().client();
    await client.sadd("resque:queues", "bytes");
    await client.rpush("resque:queue:bytes", INVALID);
    const worker = resque.worker({ queues: "bytes", interval: 0 });
    await worker.start();
    await worker.stopped;
    const [entry] = await client.lrange("resque:failed", 0, -1);
    const parsed = JSON.parse(entry!) as Record<string, unknown>;
    expect(parsed.exception).toBe("PayloadDecodeError");
    expect(parsed.payload).toEqual({ class: "(invalid payload)", args: [] });
    expect(Buffer.from(parsed.raw_payload_base64 as string, "base64")).toEqual(INVALID);
    await resque.admin.failed.retry((await resque.admin.failed.get(0))!);
    expect(await client.lrangeBuffer("resque:queue:bytes", 0, -1)).toEqual([INVALID]);
    await client.quit();
  });

  it("are recorded in the worker key exactly, and pruning requeues them exactly", async () => {
    const resque = redis.make({ jobs: [Hold] });
    const client = redis.server().client();
    await client.sadd("resque:workers", "h:1:bytes");
    await client.rpush("resque:queue:bytes", INVALID);
    const cycle = await storeOf(resque).workers.workCycle({
      reservation: "t1", recovering: false, finished: [], idleSlots: ["h:1:bytes"],
      selection: { kind: "literal", queues: ["bytes"] }, runAt: "2026-12-01T00:00:00Z", honourPause: true,
    });
    expect(cycle.reserved[0]!.payloadBytes).toEqual(INVALID);
    const value = JSON.parse((await client.get("resque:worker:h:1:bytes"))!) as Record<string, unknown>;
    expect(Buffer.from(value.raw_payload_base64 as string, "base64")).toEqual(INVALID);
    await storeOf(resque).workers.release([{ workerId: "h:1:bytes", action: "requeue" }]);
    expect(await client.lrangeBuffer("resque:queue:bytes", 0, -1)).toEqual([INVALID]);
    await client.quit();
  });

  it("a running job stopped by TERM goes back with its exact bytes", async () => {
    const resque = redis.make({ jobs: [Hold] });
    const client = redis.server().client();
    await client.sadd("resque:queues", "bytes");
    await client.rpush("resque:queue:bytes", INSIDE);
    const worker = resque.worker({ queues: "bytes", interval: 30, shutdownTimeout: 0.1 });
    const started = collect(worker, "job:start", 1);
    await worker.start();
    const [event] = (await started)[0]!;
    expect(event!.args).toEqual(["\uFFFD"]); // the job sees the text form
    await worker.stop({ immediate: true });
    release?.();
    expect(await client.lrangeBuffer("resque:queue:bytes", 0, -1)).toEqual([INSIDE]);
    expect(await client.get("resque:stat:processed")).toBeNull();
    await client.quit();
  });
});
