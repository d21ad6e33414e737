import { afterEach, describe, expect, it } from "vitest";
import { ConfigurationError, defineJob, Job, plugin, retry } from "../../src/index.js";
import { ResqueTesting } from "../../src/testing/index.js";
import { useRedis } from "../helpers/resque.js";

describe("decorators used the wrong way say so where the class is defined", () => {
  it("@retry without parentheses", () => {
    // What `@retry class X {}` does at run time (TypeScript also refuses it at compile time).
    const decorate = retry as unknown as (target: unknown, context: unknown) => unknown;
    expect(() => decorate(class X extends Job<[]> { perform() {} }, { kind: "class", name: "X" })).toThrow(ConfigurationError);
    expect(() => decorate(class X extends Job<[]> { perform() {} }, { kind: "class", name: "X" })).toThrow(
      "@retry needs parentheses: write @retry() or @retry({ backoff: [10, 60] }), not @retry.",
    );
  });

  it("@plugin without the plugins", () => {
    const decorate = plugin as unknown as (target: unknown, context: unknown) => unknown;
    expect(() => decorate(class X extends Job<[]> { perform() {} }, { kind: "class", name: "X" })).toThrow(
      "@plugin needs the plugins to attach: write @plugin(myPlugin), not @plugin.",
    );
  });

  it("a decorator proposal that hands over a descriptor instead of the class", () => {
    const descriptor = { kind: "class", elements: [] };
    expect(() => retry({ limit: 1 })(descriptor as never)).toThrow(/@retry\(\.\.\.\) received object instead of a class/);
    expect(() => plugin({ name: "p" })(descriptor as never)).toThrow(/@plugin\(\.\.\.\) received object instead of a class/);
  });
});

describe("jobs without decorators (plain JavaScript)", () => {
  const redis = useRedis();
  let testing: ResqueTesting | undefined;
  afterEach(async () => {
    await testing?.close();
  });

  it("defineJob takes retry, plugins and timeout as a class's statics would", async () => {
    const seen: string[] = [];
    const Charge = defineJob(
      "Charge",
      function (orderId: number) {
        seen.push(`charge ${orderId} attempt ${this.context.attempt}`);
        if (this.context.attempt === 0) throw new Error("card declined");
      },
      { queue: "billing", retry: { backoff: [30] }, plugins: [{ name: "audit", afterPerform: (c) => void seen.push(`audit ${c.args[0]}`) }], timeout: 5 },
    );
    expect(Charge.timeout).toBe(5);
    const resque = redis.make({ jobs: [Charge] });
    testing = new ResqueTesting(resque);
    await resque.enqueue(Charge, 7);
    expect((await testing.drain()).runs).toMatchObject([{ outcome: "failure", retry: { attempt: 1 } }]);
    await testing.advance(30);
    expect((await testing.drain()).runs).toMatchObject([{ outcome: "success" }]);
    expect(seen).toEqual(["charge 7 attempt 0", "charge 7 attempt 1", "audit 7"]);
  });

  it("retry(...) and plugin(...) can be called on a class like functions", async () => {
    const seen: string[] = [];
    const Resize = retry({ backoff: [10] })(
      plugin({ name: "mark", beforePerform: () => void seen.push("before") })(
        class Resize extends Job<[string]> {
          static override queue = "images";
          perform(url: string) {
            seen.push(`resize ${url}`);
            throw new Error("too big");
          }
        },
      ),
    );
    const resque = redis.make({ jobs: [Resize] });
    testing = new ResqueTesting(resque);
    await resque.enqueue(Resize, "a.png");
    expect((await testing.drain()).runs).toMatchObject([{ outcome: "failure", retry: { attempt: 1 } }]);
    expect(seen).toEqual(["before", "resize a.png"]);
  });

  it("defineJob refuses a missing name or function", () => {
    expect(() => defineJob(undefined as never, () => {})).toThrow('defineJob needs a job name first: defineJob("SendInvoice", perform, { queue }).');
    expect(() => defineJob("X", "perform" as never)).toThrow('defineJob("X", perform): perform must be a function.');
  });
});
