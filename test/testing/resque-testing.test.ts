import { AssertionError } from "node:assert";
import { afterEach, describe, expect, it } from "vitest";
import { DontPerform, Job, retry, type PerformContext, type Resque } from "../../src/index.js";
import { ResqueTesting, TestClock } from "../../src/testing/index.js";
import { useRedis } from "../helpers/resque.js";

const sent: string[] = [];

class SendInvoice extends Job<[invoiceId: number]> {
  static override queue = "mail";
  perform(invoiceId: number) {
    if (invoiceId === 13) throw new Error(`SMTP refused invoice ${invoiceId}`);
    sent.push(`invoice ${invoiceId}`);
  }
}

class CloseMonth extends Job<[month: string]> {
  static override queue = "billing";
  async perform(month: string) {
    sent.push(`closed ${month}`);
    await (this.context as PerformContext).resque.enqueue(SendInvoice, 1);
  }
}

class Skipped extends Job<[]> {
  static override queue = "mail";
  static beforePerformCheck() {
    throw new DontPerform();
  }
  perform() {
    sent.push("skipped ran");
  }
}

/** Fails its first two attempts; retried after 10 s, then 60 s. */
@retry({ backoff: [10, 60] })
class Flaky extends Job<[id: string]> {
  static override queue = "mail";
  perform(id: string) {
    sent.push(`flaky ${id} attempt ${this.context.attempt}`);
    if (this.context.attempt < 2) throw new Error(`flaky ${id} failed`);
  }
}

class Report extends Job<[]> {
  static override queue = "reports";
  perform() {
    sent.push("report");
  }
}

describe("resque-ts/testing", () => {
  const redis = useRedis();
  let testing: ResqueTesting | undefined;
  const setup = (options: ConstructorParameters<typeof ResqueTesting>[1] = {}): [Resque, ResqueTesting] => {
    const resque = redis.make({ jobs: [SendInvoice, CloseMonth, Skipped, Flaky, Report] });
    testing = new ResqueTesting(resque, options);
    sent.length = 0;
    return [resque, testing];
  };
  afterEach(async () => {
    await testing?.close();
    testing = undefined;
  });

  it("drain runs queued jobs here, with the jobs they enqueue, and says what happened", async () => {
    const [resque, t] = setup();
    await resque.enqueue(CloseMonth, "2026-11");
    await resque.enqueue(SendInvoice, 13);
    await resque.enqueue(Skipped);
    const result = await t.drain(["billing", "mail"]);
    expect(result.runs.map((r) => [r.jobName, r.args, r.outcome])).toEqual([
      ["CloseMonth", ["2026-11"], "success"],
      ["SendInvoice", [13], "failure"],
      ["Skipped", [], "skipped"],
      ["SendInvoice", [1], "success"],
    ]);
    expect(result).toMatchObject({ succeeded: 2, skipped: 1, failed: 1, retries: [] });
    expect((result.runs[1]!.error as Error).message).toBe("SMTP refused invoice 13");
    expect(sent).toEqual(["closed 2026-11", "invoice 1"]);
    // What the worker records, exactly as in production.
    expect(await resque.admin.stats.totals()).toEqual({ processed: 4, failed: 1 });
    expect((await resque.admin.failed.page({ count: 1000 })).map((f) => f.error)).toEqual(["SMTP refused invoice 13"]);
    expect(await t.enqueued()).toEqual([]);
  });

  it("runs retries with their backoff as the test clock moves", async () => {
    const clock = new TestClock(new Date("2026-12-01T09:00:00Z"));
    const [resque, t] = setup({ clock });
    await resque.enqueue(Flaky, "a");

    const first = await t.drain();
    expect(first.runs).toMatchObject([{ outcome: "failure", retry: { at: new Date("2026-12-01T09:00:10Z"), attempt: 1 } }]);
    await t.assertScheduled(Flaky, ["a"], { at: new Date("2026-12-01T09:00:10Z") });
    expect(await resque.admin.failed.count()).toBe(0); // retried, not failed (yet)

    expect((await t.advance(9)).promoted).toBe(0);
    expect((await t.drain()).runs).toEqual([]);
    expect((await t.advance(1)).promoted).toBe(1);
    const second = await t.drain();
    expect(second.runs).toMatchObject([{ outcome: "failure", retry: { at: new Date("2026-12-01T09:01:10Z"), attempt: 2 } }]);

    await t.advance(60);
    expect((await t.drain()).runs).toMatchObject([{ outcome: "success" }]);
    expect(sent).toEqual(["flaky a attempt 0", "flaky a attempt 1", "flaky a attempt 2"]);
    await t.refuteScheduled(Flaky);
    expect(await resque.admin.stats.totals()).toEqual({ processed: 3, failed: 2 });
  });

  it("inline mode performs each enqueue before it resolves, nested ones too, and rethrows a final failure", async () => {
    const [resque, t] = setup();
    const off = t.inline();
    await resque.enqueue(CloseMonth, "2026-12");
    expect(sent).toEqual(["closed 2026-12", "invoice 1"]);
    await expect(resque.enqueue(SendInvoice, 13)).rejects.toThrow("SMTP refused invoice 13");
    // A failure that will be retried is not thrown; the retry runs when its time comes.
    await resque.enqueue(Flaky, "b");
    expect(sent.at(-1)).toBe("flaky b attempt 0");
    const retried = await t.advance(10);
    expect(retried.runs).toMatchObject([{ jobName: "Flaky", outcome: "failure", retry: { attempt: 2 } }]);
    // Delayed jobs wait for their time.
    await resque.enqueueIn(30, SendInvoice, 7);
    expect(sent).not.toContain("invoice 7");
    await t.advance(30);
    expect(sent).toContain("invoice 7");

    off();
    await resque.enqueue(SendInvoice, 8);
    expect(sent).not.toContain("invoice 8");
    await t.assertEnqueued(SendInvoice, [8], { queue: "mail", count: 1 });
  });

  it("performJob runs one job through its hooks and returns its outcome without writing a failure", async () => {
    const [resque, t] = setup();
    expect(await t.performJob(SendInvoice, 5)).toMatchObject({ jobName: "SendInvoice", queue: "mail", args: [5], outcome: "success" });
    const failed = await t.performJob(SendInvoice, 13);
    expect(failed.outcome).toBe("failure");
    expect((failed.error as Error).message).toBe("SMTP refused invoice 13");
    expect(await t.performJob(Skipped)).toMatchObject({ outcome: "skipped" });
    expect(await resque.admin.failed.count()).toBe(0);
    expect(await t.performJob(Flaky, "c")).toMatchObject({ outcome: "failure", retry: { attempt: 1 } });
    expect(sent).toEqual(["invoice 5", "flaky c attempt 0"]);
  });

  it("assertions say what was expected and what is there", async () => {
    const [resque, t] = setup();
    await resque.enqueue(SendInvoice, 1);
    await resque.enqueueTo("urgent", SendInvoice, 2);
    await resque.enqueueIn(60, Report);
    await t.assertEnqueued(SendInvoice);
    await t.assertEnqueued(SendInvoice, [2], { queue: "urgent" });
    await t.assertEnqueued("SendInvoice", [1], { count: 1 });
    await t.refuteEnqueued(SendInvoice, [3]);
    await t.assertScheduled(Report, [], { at: t.clock!.now() + 60_000 });

    const missing = t.assertEnqueued(SendInvoice, [3]);
    await expect(missing).rejects.toBeInstanceOf(AssertionError);
    await expect(t.assertEnqueued(SendInvoice, [3])).rejects.toThrow(
      'Expected a SendInvoice(3) to be enqueued, found 0. Enqueued: SendInvoice(1) on "mail"; SendInvoice(2) on "urgent"',
    );
    await expect(t.refuteEnqueued(SendInvoice, [1])).rejects.toThrow('Expected no SendInvoice(1) to be enqueued, found 1: SendInvoice(1) on "mail"');
    await expect(t.assertScheduled(Report, [], { at: t.clock!.now() })).rejects.toThrow(/Expected Report\(\) to be scheduled at .*Scheduled: Report\(\) on "reports" at /);
    await expect(t.assertEnqueued(SendInvoice, [1], { count: 2 })).rejects.toThrow("Expected 2 SendInvoice(1) to be enqueued, found 1.");
  });

  it("advance fires recurring schedules due in the interval", async () => {
    const clock = new TestClock(new Date("2026-12-01T08:59:30Z"));
    const [resque, t] = setup({ clock, schedule: { hourly_report: { cron: "0 * * * * UTC", class: "Report" } } });
    expect((await t.advance(20)).fired).toEqual([]);
    const { fired } = await t.advance(10);
    expect(fired).toEqual([{ name: "hourly_report", slot: new Date("2026-12-01T09:00:00Z"), queue: "reports" }]);
    await t.assertEnqueued(Report, [], { queue: "reports", count: 1 });
    expect((await t.drain("reports")).succeeded).toBe(1);
    expect(await resque.admin.queues.size("reports")).toBe(0);
  });

  it("the test clock is what enqueueIn reads while installed, and the real one after close()", async () => {
    const clock = new TestClock(new Date("2030-01-01T00:00:00Z"));
    const [resque, t] = setup({ clock });
    await resque.enqueueIn(5, Report);
    expect((await t.scheduled())[0]!.at).toEqual(new Date("2030-01-01T00:00:05Z"));
    await t.close();
    testing = undefined;
    await resque.enqueueIn(5, SendInvoice, 9);
    const at = (await resque.scheduledAt(SendInvoice, 9))[0]!.getTime();
    expect(Math.abs(at - Date.now())).toBeLessThan(10_000);
  });

  it("drain stops a job that keeps enqueueing itself", async () => {
    class Forever extends Job<[]> {
      static override queue = "loop";
      async perform() {
        await (this.context as PerformContext).resque.enqueue(Forever);
      }
    }
    const [resque, t] = setup();
    resque.register(Forever);
    await resque.enqueue(Forever);
    await expect(t.drain("loop", { maxJobs: 5 })).rejects.toThrow("drain stopped after 5 jobs: a job keeps enqueueing more");
  });
});
