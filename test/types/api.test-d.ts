/**
 * Type tests: what the compiler accepts and refuses. `// @ts-expect-error` lines must be errors
 * (the type check fails if one compiles), and expectTypeOf pins the types users get back.
 */
import { describe, expectTypeOf, it } from "vitest";
import { defineJob, Job, Resque, retry, type ArgsOf, type ResqueOptions } from "../../src/index.js";
import { ResqueTesting, type JobRun } from "../../src/testing/index.js";

class SendInvoice extends Job<[invoiceId: number, note?: string]> {
  static override queue = "mail";
  perform(invoiceId: number, note?: string) {
    void invoiceId;
    void note;
  }
}

/** No type argument: the arguments come from perform. */
class Resize extends Job {
  static override queue = "images";
  perform(url: string, width: number) {
    void url;
    void width;
  }
}

const Ping = defineJob("Ping", (host: string) => void host, { queue: "monitoring" });

declare const resque: Resque;

describe("enqueueing checks arguments against perform", () => {
  it("infers each job's arguments", () => {
    expectTypeOf<ArgsOf<typeof SendInvoice>>().toEqualTypeOf<[invoiceId: number, note?: string]>();
    expectTypeOf<ArgsOf<typeof Resize>>().toEqualTypeOf<[url: string, width: number]>();
    expectTypeOf<ArgsOf<typeof Ping>>().toEqualTypeOf<[host: string]>();
  });

  it("enqueue", () => {
    expectTypeOf(resque.enqueue(SendInvoice, 42)).toEqualTypeOf<Promise<boolean>>();
    void resque.enqueue(SendInvoice, 42, "net 30");
    void resque.enqueue(Resize, "a.png", 320);
    void resque.enqueue(Ping, "db1");
    // @ts-expect-error too few arguments
    void resque.enqueue(SendInvoice);
    // @ts-expect-error too many arguments
    void resque.enqueue(SendInvoice, 42, "net 30", true);
    // @ts-expect-error a string where perform takes a number
    void resque.enqueue(SendInvoice, "42");
    // @ts-expect-error arguments of perform without a type argument are checked too
    void resque.enqueue(Resize, "a.png");
    // @ts-expect-error defineJob's function parameters
    void resque.enqueue(Ping, 1);
    // By name (a job of another application), arguments are not known.
    void resque.enqueue("Mailer::Deliver", 1, { any: "thing" });
  });

  it("enqueueTo and enqueueFront", () => {
    void resque.enqueueTo("urgent", SendInvoice, 42);
    // @ts-expect-error wrong type
    void resque.enqueueTo("urgent", SendInvoice, "42");
    // @ts-expect-error missing argument
    void resque.enqueueTo("urgent", Resize, "a.png");
    void resque.enqueueFront(SendInvoice, 1);
    // @ts-expect-error missing argument
    void resque.enqueueFront(SendInvoice);
  });

  it("enqueueAt and enqueueIn", () => {
    expectTypeOf(resque.enqueueAt(new Date(), SendInvoice, 42)).toEqualTypeOf<Promise<void>>();
    void resque.enqueueAt(Date.now() + 60_000, SendInvoice, 42);
    void resque.enqueueIn(30, SendInvoice, 42);
    void resque.enqueueAtWithQueue("urgent", new Date(), SendInvoice, 42);
    void resque.enqueueInWithQueue("urgent", 30, Resize, "a.png", 320);
    // @ts-expect-error wrong type
    void resque.enqueueAt(new Date(), SendInvoice, "42");
    // @ts-expect-error missing argument
    void resque.enqueueIn(30, Resize, "a.png");
    // @ts-expect-error a time is a Date or epoch milliseconds, not a string
    void resque.enqueueAt("2026-12-01T09:00:00Z", SendInvoice, 42);
    // @ts-expect-error enqueueIn takes seconds as a number
    void resque.enqueueIn("30s", SendInvoice, 42);
  });

  it("enqueueBulk", () => {
    expectTypeOf(resque.enqueueBulk(SendInvoice, [[1], [2, "net 30"]])).toEqualTypeOf<Promise<number>>();
    void resque.enqueueBulk(Resize, [["a.png", 320]], { queue: "thumbnails" });
    // @ts-expect-error one argument list has a wrong type
    void resque.enqueueBulk(SendInvoice, [[1], ["2"]]);
    // @ts-expect-error one argument list is short
    void resque.enqueueBulk(Resize, [["a.png", 320], ["b.png"]]);
  });
});

describe("@retry options are checked against the job's arguments", () => {
  it("accepts callbacks typed like perform", () => {
    @retry({ backoff: [10, 60], retryIdentifier: (args: readonly [invoiceId: number, note?: string]) => String(args[0]) })
    class Typed extends Job<[invoiceId: number, note?: string]> {
      static override queue = "mail";
      perform(invoiceId: number) {
        void invoiceId;
      }
    }
    void Typed;

    retry<[invoiceId: number]>({
      onGiveUp: (_error, info) => expectTypeOf(info.context.args[0]).toEqualTypeOf<number>(),
    });
  });

  it("refuses a class whose perform takes other arguments", () => {
    // @ts-expect-error the identifier takes a string, perform a number
    @retry({ retryIdentifier: (args: readonly [sku: string]) => args[0] })
    class Mismatch extends Job<[invoiceId: number]> {
      static override queue = "mail";
      perform(invoiceId: number) {
        void invoiceId;
      }
    }
    void Mismatch;
  });

  it("refuses unknown options and wrong types", () => {
    // @ts-expect-error backoff is a list of seconds
    retry({ backoff: "10s" });
    // @ts-expect-error no such option
    retry({ retries: 3 });
  });
});

describe("options take undefined (exactOptionalPropertyTypes)", () => {
  it("new Resque({ redis: process.env.REDIS_URL })", () => {
    const options: ResqueOptions = { redis: process.env.REDIS_URL, namespace: process.env.RESQUE_NAMESPACE, jobs: [SendInvoice] };
    expectTypeOf(new Resque(options)).toEqualTypeOf<Resque>();
  });
});

describe("resque-ts/testing is typed like enqueue", () => {
  it("performJob and the assertions", () => {
    const testing = new ResqueTesting(resque);
    expectTypeOf(testing.performJob(SendInvoice, 42)).toEqualTypeOf<Promise<JobRun>>();
    // @ts-expect-error wrong type
    void testing.performJob(SendInvoice, "42");
    // @ts-expect-error missing argument
    void testing.performJob(Resize, "a.png");
    void testing.assertEnqueued(SendInvoice, [42]);
    // @ts-expect-error the args of an assertion are the job's
    void testing.assertEnqueued(SendInvoice, ["42"]);
    void testing.assertScheduled(Resize, ["a.png", 320], { at: new Date() });
    void testing.assertEnqueued("Mailer::Deliver", [1, "anything"]);
  });
});
