/**
 * The overview lists, beside its own checks, the alerts a monitor keeps firing in the same Redis:
 * those judged with the monitor's own thresholds or over time (a queue growing for minutes).
 */
import { describe, expect, it } from "vitest";
import { Monitor } from "../../src/index.js";
import { createDashboard } from "../../src/web/index.js";
import { useRedis } from "../helpers/resque.js";

describe("the overview and a monitor on the same Redis", () => {
  const redis = useRedis();

  it("shows the monitor's firing alerts that its own checks do not find, once each", async () => {
    const resque = redis.make();
    for (let n = 0; n < 3; n++) await resque.enqueueTo("mail", "SendMail", n);
    const admin = redis.admin({ name: "main" });
    // The monitor's threshold for "mail" is 2 jobs; the dashboard keeps the default (1000).
    const monitor = new Monitor({ instances: [admin], checks: { queues: { mail: { sizeAbove: 2 } } } });
    await monitor.evaluate();
    const overview = await admin.overview();
    expect(overview.alerts.map((a) => a.id).sort()).toEqual(["queue-size|queue:mail", "queue-without-workers|queue:mail"]);

    const dashboard = createDashboard({ admins: admin });
    const html = await (await dashboard.fetch(new Request("http://127.0.0.1/"))).text();
    expect(html).toContain("has 3 waiting jobs");
    // Found by both the dashboard's checks and the monitor: listed once.
    expect(html.match(/no worker takes from it/g)).toHaveLength(1);
    await monitor.stop();
  });
});
