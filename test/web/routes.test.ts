/**
 * The dashboard's routes against a live system (a worker running jobs, failures, a retry, a
 * delayed job, a schedule): every action does what it says, and none happens without the CSRF
 * token, in read-only mode, without auth, or on a GET.
 */
import { afterEach, describe, expect, it } from "vitest";
import { collect } from "../helpers/events.js";
import { useRedis } from "../helpers/resque.js";
import { decodeHtml, WebClient } from "../helpers/web-client.js";
import { startLiveSystem, XSS_ARG, type LiveSystem } from "../helpers/web-system.js";
import { createDashboard, type DashboardOptions } from "../../src/web/index.js";

describe("dashboard routes", () => {
  const redis = useRedis();
  let system: LiveSystem;

  afterEach(async () => {
    await system?.worker.stop({ immediate: true });
  });

  async function client(options: Partial<DashboardOptions> = {}, slow = false) {
    system = await startLiveSystem(redis.make, { slow });
    const dashboard = createDashboard({ admins: system.resque.admin, refreshSeconds: 0, ...options });
    const web = new WebClient((r) => dashboard.fetch(r));
    if (!options.basicAuth && !options.authorize) await web.get("/"); // the CSRF cookie and token, as a browser has them
    return { web, admin: system.resque.admin, dashboard };
  }

  /** Every state-changing route, with fields that would act on real data. */
  async function everyAction(admin: LiveSystem["resque"]["admin"]): Promise<[string, Record<string, string>][]> {
    const [job] = await admin.queues.peek("pending");
    const [failed] = await admin.failed.page();
    const [delayed] = await admin.delayed.find({ class: "Ok" });
    const [retry] = await admin.retries.scheduled();
    const workerId = (await admin.workers.list())[0]!.id;
    const queued = { index: String(job!.index), raw: job!.raw };
    return [
      ["/queues/pending/edit", { ...queued, class: "Ok", args: "[42]" }],
      ["/queues/pending/remove-job", queued],
      ["/queues/pending/move-job", { ...queued, to: "other" }],
      ["/queues/pending/remove-matching", { class: "Ok", confirm: "yes" }],
      ["/queues/pending/move-matching", { class: "Ok", to: "other", confirm: "yes" }],
      ["/queues/pending/clear", { confirm: "yes" }],
      ["/queues/pending/delete", { confirm: "yes" }],
      ["/failed/one", { op: "remove", list: failed!.list, index: String(failed!.index), raw: failed!.raw }],
      ["/failed/selected", { op: "remove", entry: JSON.stringify({ list: failed!.list, index: failed!.index, raw: failed!.raw }) }],
      ["/failed/matching", { op: "remove", confirm: "yes" }],
      ["/workers/control", { action: "pause", all: "1" }],
      ["/workers/control", { action: "kill", worker: workerId, confirm: "yes" }],
      ["/delayed/one", { op: "remove", at: String(delayed!.at.getTime() / 1000), raw: delayed!.raw }],
      ["/delayed/matching", { op: "remove", class: "Ok", confirm: "yes" }],
      ["/schedule/nightly/disable", {}],
      ["/schedule/nightly/run-now", {}],
      ["/retry/cancel", { raw: retry!.raw }],
    ];
  }

  async function snapshot(admin: LiveSystem["resque"]["admin"]) {
    const [queues, failed, delayed, schedules, retries, workers, paused] = await Promise.all([
      admin.queues.list(),
      admin.failed.count(),
      admin.delayed.count(),
      admin.schedules.list(),
      admin.retries.scheduled(),
      admin.workers.list(),
      admin.workers.paused(),
    ]);
    return { queues, failed, delayed, disabled: schedules.map((s) => s.disabledByOperator), retries: retries.length, workers: workers.length, paused };
  }

  it("refuses every change posted without the CSRF token, or with a wrong one, and changes nothing", async () => {
    const { web, admin } = await client();
    await web.get("/");
    const before = await snapshot(admin);
    for (const [path, fields] of await everyAction(admin)) {
      for (const token of [false, "forged-token"] as const) {
        const response = await web.post(path, fields, { token });
        expect(response.status, `${path} token=${token}`).toBe(403);
        expect(response.body).toContain("security token");
      }
    }
    expect(await snapshot(admin)).toEqual(before);
  });

  it("refuses a change sent from another site even with a valid token", async () => {
    const { web, admin } = await client();
    await web.get("/");
    const before = await snapshot(admin);
    const [path, fields] = (await everyAction(admin))[5]!; // clear the pending queue
    expect((await web.post(path, fields, { headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await web.post(path, fields, { headers: { "sec-fetch-site": "cross-site" } })).status).toBe(403);
    expect(await snapshot(admin)).toEqual(before);
    expect((await web.post(path, fields, { headers: { origin: "http://127.0.0.1", "sec-fetch-site": "same-origin" } })).status).toBe(303);
    expect(await admin.queues.size("pending")).toBe(0);
  });

  it("in read-only mode refuses every change with a token, and shows no action forms", async () => {
    const { web, admin } = await client({ readOnly: true });
    const pages = ["/", "/queues", "/queues/pending", "/queues/pending/job?index=0", "/workers", "/working", "/failed", "/delayed", "/schedule", "/retry", "/stats"];
    for (const path of pages) {
      const page = await web.get(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).not.toContain('method="post"');
    }
    web.token = (await createDashboardToken(web)) ?? "";
    const before = await snapshot(admin);
    for (const [path, fields] of await everyAction(admin)) {
      const response = await web.post(path, fields);
      expect(response.status, path).toBe(403);
      expect(response.body).toContain("read-only");
    }
    expect(await snapshot(admin)).toEqual(before);
  });

  it("a read-only function decides per request", async () => {
    const { web, admin } = await client({ readOnly: ({ request }) => request.headers.get("x-role") !== "admin" });
    await web.get("/");
    const fields = { confirm: "yes" };
    expect((await web.post("/queues/pending/clear", fields)).status).toBe(403);
    const r = await web.post("/queues/pending/clear", fields, { headers: { "x-role": "admin" } });
    expect(r.status, r.body.slice(r.body.indexOf("<main>"))).toBe(303);
    expect(await admin.queues.size("pending")).toBe(0);
  });

  it("with basic auth, refuses requests without or with wrong credentials, pages and actions alike", async () => {
    const { dashboard, admin } = await client({ basicAuth: { username: "ops", password: "s3cret" } });
    const anonymous = new WebClient((r) => dashboard.fetch(r));
    for (const path of ["/", "/queues", "/failed", "/live.json", "/queues/pending/job?index=0"]) {
      const page = await anonymous.get(path);
      expect(page.status, path).toBe(401);
      expect(page.response.headers.get("www-authenticate")).toMatch(/^Basic realm="resque-web"/);
    }
    const wrong = new WebClient((r) => dashboard.fetch(r), "http://127.0.0.1", { authorization: `Basic ${Buffer.from("ops:nope").toString("base64")}` });
    expect((await wrong.get("/")).status).toBe(401);
    expect((await wrong.post("/queues/pending/clear", { confirm: "yes" })).status).toBe(401);
    expect(await admin.queues.size("pending")).toBe(4);
    const right = new WebClient((r) => dashboard.fetch(r), "http://127.0.0.1", { authorization: `Basic ${Buffer.from("ops:s3cret").toString("base64")}` });
    expect((await right.get("/")).status).toBe(200);
    expect((await right.submit("/queues/pending/clear", { confirm: "yes" })).flash).toContain("Dropped 4 jobs");
  });

  it("an authorize hook refuses, or answers with its own response (a redirect to a login page)", async () => {
    const { dashboard } = await client({
      authorize: ({ request }) => {
        const user = request.headers.get("x-user");
        if (user === "admin") return true;
        if (user === null) return Response.redirect("http://127.0.0.1/login", 302);
        return false;
      },
    });
    const as = (user?: string) => new WebClient((r) => dashboard.fetch(r), "http://127.0.0.1", user ? { "x-user": user } : {});
    expect((await as().get("/")).response.headers.get("location")).toBe("http://127.0.0.1/login");
    expect((await as("guest").get("/")).status).toBe(403);
    expect((await as("admin").get("/")).status).toBe(200);
  });

  it("changes nothing on GET: action addresses are not pages", async () => {
    const { web, admin } = await client();
    const before = await snapshot(admin);
    for (const [path] of await everyAction(admin)) expect((await web.get(path)).status, path).toBe(404);
    expect(await snapshot(admin)).toEqual(before);
  });

  it("sets a strict Content-Security-Policy and serves its assets as hashed files", async () => {
    const { web } = await client();
    const page = await web.get("/");
    const csp = page.response.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(page.response.headers.get("x-frame-options")).toBe("DENY");
    expect(page.body).not.toMatch(/<script>|<script [^>]*>[^<]+<\/script>| style="/);
    const css = /href="(\/assets\/dashboard\.[0-9a-f]{12}\.css)"/.exec(page.body)![1]!;
    const js = /src="(\/assets\/dashboard\.[0-9a-f]{12}\.js)"/.exec(page.body)![1]!;
    for (const asset of [css, js]) {
      const file = await web.get(asset);
      expect(file.status).toBe(200);
      expect(file.response.headers.get("cache-control")).toContain("immutable");
    }
    expect((await web.get("/assets/dashboard.000000000000.css")).status).toBe(404);
  });

  it("escapes job arguments and error messages: they render as text", async () => {
    const { web } = await client();
    const pages = ["/failed", "/failed/entry?index=0", "/queues/pending", "/queues/pending/job?index=3", "/search?q=pwned"];
    for (const path of pages) {
      const page = await web.get(path);
      expect(page.status, path).toBe(200);
      expect(page.body, path).not.toContain("<script>document");
      expect(page.body, path).not.toContain("<img src=x");
      expect(decodeHtml(page.body), path).toContain("<img src=x");
    }
  });

  it("the overview lists what needs attention first, each linked to where it is fixed", async () => {
    const { web } = await client();
    const page = await web.get("/");
    expect(page.status).toBe(200);
    const attention = page.body.slice(page.body.indexOf('id="attention"'), page.body.indexOf("</section>"));
    expect(attention).toContain("1 failed job to retry or remove");
    expect(attention).toContain('href="/failed"');
    expect(decodeHtml(attention)).toContain('4 jobs on "pending" and no worker takes from it');
    expect(attention).toContain('href="/queues/pending"');
  });

  it("edits a pending job in place, moves and removes jobs, and clears a queue after confirmation", async () => {
    const { web, admin } = await client();
    const page = await web.get("/queues/pending/job?index=1");
    const raw = decodeHtml(/name="raw" value="([^"]*)"/.exec(page.body)![1]!);
    const edited = await web.submit("/queues/pending/edit", { index: "1", raw, class: "Ok", args: '[42, "fixed"]', return: "/queues/pending/job?index=1" });
    expect(edited.flash).toBe("Saved the job at position 1.");
    expect((await admin.queues.get("pending", 1))!.raw).toBe('{"class":"Ok","args":[42,"fixed"]}');
    // The same form again: the job is no longer as read.
    const stale = await web.submit("/queues/pending/edit", { index: "1", raw, class: "Ok", args: "[43]" });
    expect(stale.flash).toContain("no longer there as it was read");
    const badJson = await web.submit("/queues/pending/edit", { index: "1", raw: '{"class":"Ok","args":[42,"fixed"]}', class: "Ok", args: "[42," });
    expect(badJson.flash).toContain("not valid JSON");
    const [first] = await admin.queues.peek("pending");
    expect((await web.submit("/queues/pending/move-job", { index: "0", raw: first!.raw, to: "other" })).flash).toContain('Moved the job to the back of "other"');
    const [next] = await admin.queues.peek("pending");
    expect((await web.submit("/queues/pending/remove-job", { index: "0", raw: next!.raw })).flash).toBe("Removed the job.");
    // Without confirmation a page asks, and nothing is dropped.
    const asked = await web.post("/queues/pending/clear", {});
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("Are you sure?");
    expect(await admin.queues.size("pending")).toBe(2);
    expect((await web.submit("/queues/pending/clear", { confirm: "yes" })).flash).toBe('Dropped 2 jobs from "pending".');
    expect(await admin.queues.size("other")).toBe(1);
  });

  it("retries, retries and removes, and removes failed jobs: one, a selection, or all matching", async () => {
    const { web, admin, } = await client();
    const [entry] = await admin.failed.page();
    const one = { list: entry!.list, index: String(entry!.index), raw: entry!.raw };
    expect((await web.submit("/failed/one", { ...one, op: "retry" })).flash).toBe("Retried the failed job.");
    await until(async () => (await admin.failed.count()) === 2); // the retried job failed again
    const entries = await admin.failed.page();
    const selected = entries.map((e) => JSON.stringify({ list: e.list, index: e.index, raw: e.raw }));
    expect((await web.submit("/failed/selected", { op: "remove", entry: selected[0]! })).flash).toBe("Removed 1 failed job.");
    expect(await admin.failed.count()).toBe(1);
    await web.get("/failed");
    const asked = await web.post("/failed/matching", { op: "retry-and-remove", class: "Boom" });
    expect(asked.body).toContain("Are you sure?");
    const recorded = collect(system.worker, "job:recorded", 1);
    expect((await web.submit("/failed/matching", { op: "retry-and-remove", class: "Boom", confirm: "yes" })).flash).toBe("Retried and removed 1 failed job.");
    await recorded;
    await until(async () => (await admin.failed.count()) === 1);
    expect((await web.submit("/failed/matching", { op: "remove", confirm: "yes" })).flash).toBe("Cleared 1 failed job.");
    expect(await admin.failed.count()).toBe(0);
  });

  it("pauses and resumes workers, and kills one: its running job goes back on its queue", async () => {
    const { web, admin } = await client({}, true);
    await web.get("/workers");
    expect((await web.submit("/workers/control", { action: "pause", all: "1" })).flash).toMatch(/^Paused 2 workers/);
    expect((await admin.workers.paused()).all).toBe(true);
    expect((await web.submit("/workers/control", { action: "resume", all: "1" })).flash).toMatch(/^Resumed 2 workers/);
    expect((await admin.workers.paused()).all).toBe(false);
    const busy = (await admin.workers.working())[0]!;
    expect(busy.job!.class).toBe("Slow");
    const stopped = new Promise<void>((resolve) => system.worker.once("stopped", () => resolve()));
    const killed = await web.submit("/workers/control", { action: "kill", worker: busy.id, confirm: "yes" });
    expect(killed.flash).toBe("Killed 2 workers (1 resque-ts process heard it).");
    await stopped;
    expect(await admin.queues.size("slow")).toBe(1);
    expect(await admin.workers.list()).toEqual([]);
  });

  it("runs a delayed job now and removes one; disables, enables and runs a schedule; cancels a retry", async () => {
    const { web, admin } = await client();
    await system.worker.stop();
    const [delayed] = await admin.delayed.find({ class: "Ok" });
    const at = String(delayed!.at.getTime() / 1000);
    const page = await web.get(`/delayed/${at}`);
    expect(decodeHtml(page.body)).toContain("[99]");
    expect((await web.submit("/delayed/one", { op: "run-now", at, raw: delayed!.raw })).flash).toBe("Put the job on its queue.");
    expect((await admin.queues.peek("mail")).map((j) => j.args)).toContainEqual([99]);
    expect((await web.submit("/schedule/nightly/disable")).flash).toContain('Disabled schedule "nightly"');
    expect((await admin.schedules.get("nightly"))!.disabledByOperator).toBe(true);
    const schedule = await web.get("/schedule");
    expect(schedule.body).toContain("At 02:30");
    expect((await web.submit("/schedule/nightly/enable")).flash).toBe('Enabled schedule "nightly".');
    expect((await web.submit("/schedule/nightly/run-now")).flash).toBe('Enqueued the job of schedule "nightly" on "mail".');
    expect((await admin.queues.peek("mail")).map((j) => j.args)).toContainEqual([5]);
    const retryPage = await web.get("/retry");
    expect(retryPage.body).toContain("flaky service");
    const [retry] = await admin.retries.scheduled();
    expect((await web.submit("/retry/cancel", { raw: retry!.raw })).flash).toBe("Cancelled the retry of Flaky.");
    expect(await admin.retries.scheduled()).toEqual([]);
  });

  it("pages through a 100,000-job queue reading one page, and serves live numbers as JSON", async () => {
    const { web, admin } = await client();
    const resque = system.resque;
    await resque.enqueueBulk(system.resque.registry.get("Ok") as never, Array.from({ length: 100_000 }, (_, i) => [i]), { queue: "big" });
    const page = await web.get("/queues/big?start=50000");
    expect(page.status).toBe(200);
    expect((page.body.match(/<tr>/g) ?? []).length).toBe(26); // the header and 25 jobs
    expect(decodeHtml(page.body)).toContain("50,001–50,025 of 100,000");
    const json = JSON.parse((await web.get("/live.json")).body) as { values: Record<string, number> };
    expect(json.values["queue:big"]).toBe(100_000);
    expect(json.values.failed).toBe(await admin.failed.count());
  });
});

async function createDashboardToken(web: WebClient): Promise<string | undefined> {
  // Read-only pages carry no forms; the token is the one the browser would have from before.
  return web.token || undefined;
}

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await new Promise((r) => setTimeout(r, 20));
  }
}
