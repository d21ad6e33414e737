/**
 * The dashboard in Debian's Chromium (playwright-core, never a downloaded browser): the overview,
 * retrying a failed job, editing a pending job, killing a worker, a phone-sized screen, and
 * script in job arguments and error messages that renders as text. Screenshots of the main pages
 * go to test/browser/.screenshots/ (git-ignored).
 */
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useRedis } from "../helpers/resque.js";
import { startLiveSystem, type LiveSystem } from "../helpers/web-system.js";
import { createDashboard } from "../../src/web/index.js";

const shots = new URL("./.screenshots/", import.meta.url).pathname;

describe("the dashboard in a browser", () => {
  const redis = useRedis();
  let browser: Browser;
  let page: Page;
  let system: LiveSystem;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"] });
    page = await browser.newPage();
    page.on("dialog", (dialog) => void dialog.accept());
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  async function start(): Promise<void> {
    system = await startLiveSystem(redis.make, { slow: true });
    const dashboard = createDashboard({ admins: system.resque.admin, prefix: "/resque", refreshSeconds: 1 });
    server = createServer(dashboard.handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/resque`;
  }

  async function stop(): Promise<void> {
    await system.worker.stop({ immediate: true });
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }

  it("shows the overview, edits a pending job, retries a failed job and kills a worker; script in data stays text", async () => {
    await start();
    try {
      await page.setViewportSize({ width: 1280, height: 900 });
      await page.goto(`${base}/`);
      await expect.poll(() => page.locator(".finding").count()).toBeGreaterThan(0);
      expect(await page.locator(".finding.critical").first().textContent()).toContain('4 jobs on "pending" and no worker takes from it');
      // Live numbers arrive from live.json (the script runs under the strict CSP).
      await expect.poll(() => page.locator("[data-live-state]").textContent()).toContain("Live · updated");
      await page.screenshot({ path: `${shots}overview.png`, fullPage: true });

      // Edit a pending job.
      await page.goto(`${base}/queues/pending`);
      await page.screenshot({ path: `${shots}queue.png`, fullPage: true });
      await page.locator("a", { hasText: "View / edit" }).first().click();
      await page.locator('textarea[name="args"]').fill('[42, "edited in the browser"]');
      await page.locator("button", { hasText: "Save" }).click();
      await expect.poll(() => page.locator(".flash.ok").textContent()).toBe("Saved the job at position 0.");
      expect((await system.resque.admin.queues.get("pending", 0))!.args).toEqual([42, "edited in the browser"]);

      // The XSS payloads render as text and run nothing.
      await page.goto(`${base}/failed`);
      await page.screenshot({ path: `${shots}failed.png`, fullPage: true });
      expect(await page.title()).not.toContain("pwned");
      expect(await page.locator("td.error .message").first().textContent()).toContain(`<img src=x onerror="document.title='pwned'"> broke`);
      expect(await page.locator("img").count()).toBe(0);
      await page.goto(`${base}/queues/pending/job?index=3`);
      expect(await page.locator("pre.payload").textContent()).toContain("<script>document.title");
      expect(await page.title()).not.toContain("pwned");

      // Retry a failed job: Boom fails again, so its entry stays, marked retried.
      await page.goto(`${base}/failed`);
      await page.locator("td a", { hasText: "Boom" }).click();
      await page.locator("button", { hasText: /^Retry$/ }).click();
      await expect.poll(() => page.locator(".flash.ok").textContent()).toBe("Retried the failed job.");
      expect((await system.resque.admin.failed.page())[0]!.retriedAt).toBeInstanceOf(Date);

      // Kill the busy worker: the dialog is accepted, its job goes back on its queue.
      await page.goto(`${base}/workers`);
      await page.screenshot({ path: `${shots}workers.png`, fullPage: true });
      const stopped = new Promise<void>((resolve) => system.worker.once("stopped", () => resolve()));
      const busy = (await system.resque.admin.workers.working())[0]!;
      await page.locator(`tr[data-worker="${busy.id}"] button`, { hasText: "Kill" }).click();
      await expect.poll(() => page.locator(".flash.ok").textContent()).toMatch(/^Killed 2 workers/);
      await stopped;
      expect(await system.resque.admin.queues.size("slow")).toBe(1);

      for (const [name, path] of [["schedule", "/schedule"], ["stats", "/stats"], ["delayed", "/delayed"], ["retry", "/retry"]] as const) {
        await page.goto(`${base}${path}`);
        await page.screenshot({ path: `${shots}${name}.png`, fullPage: true });
      }
    } finally {
      await stop();
    }
  }, 60_000);

  it("fits a phone-sized screen: no sideways scrolling of the page, tabs and tables scroll on their own", async () => {
    await start();
    try {
      await page.setViewportSize({ width: 375, height: 740 });
      for (const path of ["/", "/failed", "/workers", "/queues/pending"]) {
        await page.goto(`${base}${path}`);
        const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
        expect(overflow as number, path).toBeLessThanOrEqual(0);
      }
      await page.goto(`${base}/`);
      await page.screenshot({ path: `${shots}overview-phone.png`, fullPage: true });
    } finally {
      await stop();
    }
  }, 60_000);
});
