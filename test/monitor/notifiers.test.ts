/**
 * Notifiers against real receivers on 127.0.0.1: the webhook (JSON and Slack bodies, HMAC
 * signature, retries with backoff, timeout, errors not worth retrying) and email through a real
 * SMTP server; one notifier failing never delays or stops another.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CHECK_NAMES, Monitor, webhookSignature, type AlertNotification, type MonitorOptions, type Notifier } from "../../src/index.js";
import { deferred } from "../helpers/events.js";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { startSmtpReceiver, type SmtpReceiver } from "../helpers/smtp-receiver.js";
import { silentLogger, useRedis } from "../helpers/resque.js";

const job = '{"class":"SendInvoice","args":[1]}';

describe("notifiers", () => {
  const redis = useRedis();
  let receiver: HttpReceiver;
  let smtp: SmtpReceiver;
  const monitors: Monitor[] = [];
  beforeAll(async () => {
    receiver = await startHttpReceiver();
    smtp = await startSmtpReceiver();
  });
  afterAll(async () => {
    await receiver.close();
    await smtp.close();
  });
  afterEach(async () => {
    await Promise.all(monitors.splice(0).map((m) => m.stop()));
    receiver.requests.splice(0);
    receiver.respond = () => 200;
    smtp.messages.splice(0);
    smtp.rejectWith = undefined;
  });

  /** A monitor whose only check is queue-without-workers (critical), made bad on queue "mail". */
  async function firingMonitor(options: MonitorOptions): Promise<Monitor> {
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail");
    await client.rpush("resque:queue:mail", job);
    await client.quit();
    const monitor = new Monitor({
      instances: [{ redis: redis.server().url, name: "eu" }],
      checks: { disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers") },
      logger: silentLogger,
      ...options,
    });
    monitors.push(monitor);
    return monitor;
  }

  it("webhook: POSTs the alert as JSON, signed with HMAC-SHA256 over timestamp and body", async () => {
    const monitor = await firingMonitor({
      notify: { webhooks: [{ url: `${receiver.url}/hook`, secret: "s3cret", headers: { authorization: "Bearer abc" } }] },
      dashboardUrl: "http://127.0.0.1:9292/",
    });
    await monitor.evaluate();
    await monitor.flush();
    const [request] = receiver.requests;
    expect(request!.method).toBe("POST");
    expect(request!.headers["content-type"]).toBe("application/json");
    expect(request!.headers.authorization).toBe("Bearer abc");
    expect(request!.headers["user-agent"]).toMatch(/^resque-ts\//);
    const timestamp = request!.headers["x-resque-timestamp"] as string;
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(60);
    expect(request!.headers["x-resque-signature"]).toBe(webhookSignature("s3cret", timestamp, request!.body));
    expect(request!.headers["x-resque-signature"]).not.toBe(webhookSignature("wrong", timestamp, request!.body));
    expect(request!.json()).toMatchObject({
      version: 1,
      kind: "firing",
      status: "firing",
      text: 'FIRING critical eu: 1 job on "mail" and no worker takes from it',
      dashboardUrl: "http://127.0.0.1:9292/",
      alert: {
        id: "queue-without-workers|queue:mail",
        instance: "eu",
        check: "queue-without-workers",
        subject: "queue:mail",
        severity: "critical",
        value: 1,
        link: { page: "queues", queue: "mail" },
        notifications: 1,
      },
    });
  });

  it("webhook: a Slack-compatible body on request", async () => {
    const monitor = await firingMonitor({ notify: { webhooks: [{ url: receiver.url, format: "slack" }] } });
    await monitor.evaluate();
    await monitor.flush();
    const body = receiver.requests[0]!.json();
    expect(body.text).toBe('FIRING critical eu: 1 job on "mail" and no worker takes from it');
    expect(body.attachments).toHaveLength(1);
    expect(body.attachments[0]).toMatchObject({ color: "#d7263d", title: '1 job on "mail" and no worker takes from it' });
    expect(body.attachments[0].text).toContain("Check: queue-without-workers (queue:mail)");
    expect(Object.keys(body).sort()).toEqual(["attachments", "text"]);
  });

  it("webhook: 5xx and 429 are retried after each backoff delay until delivered", async () => {
    const statuses = [500, 429, 200];
    receiver.respond = (_, n) => statuses[n] ?? 200;
    const monitor = await firingMonitor({ notify: { webhooks: [{ url: receiver.url, retryDelaysSeconds: [0.05, 0.05, 0.05] }] } });
    const failures: { attempt: number; willRetry: boolean; message: string }[] = [];
    monitor.on("delivery-failed", ({ attempt, willRetry, error }) => failures.push({ attempt, willRetry, message: error.message }));
    const delivered = new Promise<number>((resolve) => monitor.on("notified", ({ attempt }) => resolve(attempt)));
    await monitor.evaluate();
    expect(await delivered).toBe(3);
    expect(failures).toEqual([
      { attempt: 1, willRetry: true, message: `webhook ${new URL(receiver.url).host} answered 500 Internal Server Error.` },
      { attempt: 2, willRetry: true, message: `webhook ${new URL(receiver.url).host} answered 429 Too Many Requests.` },
    ]);
    expect(receiver.requests.map((r) => r.json().kind)).toEqual(["firing", "firing", "firing"]);
  });

  it("webhook: gives up after the last retry, and does not retry a 4xx it cannot fix", async () => {
    receiver.respond = (request) => (request.path === "/gone" ? 404 : 503);
    const monitor = await firingMonitor({
      notify: {
        webhooks: [
          { url: `${receiver.url}/down`, retryDelaysSeconds: [0.01, 0.01] },
          { url: `${receiver.url}/gone`, retryDelaysSeconds: [0.01, 0.01], name: "gone" },
        ],
      },
    });
    const failures: string[] = [];
    monitor.on("delivery-failed", ({ notifier, attempt, willRetry }) => failures.push(`${notifier} ${attempt} ${willRetry}`));
    await monitor.evaluate();
    await monitor.flush();
    const host = new URL(receiver.url).host;
    expect(failures.sort()).toEqual(["gone 1 false", `webhook ${host} 1 true`, `webhook ${host} 2 true`, `webhook ${host} 3 false`].sort());
    expect(receiver.requests.filter((r) => r.path === "/down")).toHaveLength(3);
    expect(receiver.requests.filter((r) => r.path === "/gone")).toHaveLength(1);
  });

  it("webhook: an attempt that gets no answer within the timeout is retried", async () => {
    const hold = deferred<number>();
    receiver.respond = (_, n) => (n === 0 ? hold.promise : 200);
    const monitor = await firingMonitor({ notify: { webhooks: [{ url: receiver.url, timeoutSeconds: 0.2, retryDelaysSeconds: [0] }] } });
    const failed = new Promise<string>((resolve) => monitor.on("delivery-failed", ({ error }) => resolve(error.message)));
    await monitor.evaluate();
    expect(await failed).toBe(`webhook ${new URL(receiver.url).host} did not answer within 0.2 s.`);
    await monitor.flush();
    hold.resolve(200);
    expect(receiver.requests).toHaveLength(2);
  });

  it("email: a message per transition through SMTP, with login from the URL", async () => {
    const monitor = await firingMonitor({
      notify: { email: [{ smtp: smtp.url, from: "resque@example.com", to: ["ops@example.com", "dev@example.com"], subjectPrefix: "[prod]" }] },
    });
    await monitor.evaluate();
    await monitor.flush();
    const [mail] = await smtp.received(1);
    expect(mail!.user).toBe("user");
    expect(mail!.from).toBe("resque@example.com");
    expect(mail!.to).toEqual(["ops@example.com", "dev@example.com"]);
    expect(mail!.subject).toBe('[prod] FIRING critical eu: 1 job on "mail" and no worker takes from it');
    expect(mail!.raw).toContain("X-Resque-Alert: queue-without-workers|queue:mail");
    expect(mail!.raw).toContain("Check: queue-without-workers (queue:mail)");

    const client = redis.server().client();
    await client.del("resque:queue:mail");
    await client.quit();
    await monitor.evaluate();
    await monitor.flush();
    const [, resolved] = await smtp.received(2);
    expect(resolved!.subject).toBe('[prod] RESOLVED critical eu: 1 job on "mail" and no worker takes from it');
  });

  it("email: a temporary SMTP refusal (4xx) is retried, a permanent one (5xx) is not", async () => {
    smtp.rejectWith = 451;
    const monitor = await firingMonitor({ notify: { email: [{ smtp: smtp.url, from: "a@example.com", to: "b@example.com", retryDelaysSeconds: [0.01] }] } });
    const failures: boolean[] = [];
    monitor.on("delivery-failed", ({ willRetry }) => {
      failures.push(willRetry);
      smtp.rejectWith = failures.length === 1 ? 550 : undefined;
    });
    await monitor.evaluate();
    await monitor.flush();
    expect(failures).toEqual([true, false]);
    expect(smtp.messages).toHaveLength(0);
  });

  it("a failing webhook is retried and does not delay the email", async () => {
    // The webhook's first attempt is answered (with 503) only once the email has arrived: if the
    // email waited for the webhook, neither would ever finish.
    receiver.respond = async (_, n) => {
      if (n > 0) return 200;
      await smtp.received(1);
      return 503;
    };
    const monitor = await firingMonitor({
      notify: {
        webhooks: [{ url: receiver.url, retryDelaysSeconds: [0.05] }],
        email: [{ smtp: smtp.url, from: "a@example.com", to: "b@example.com" }],
      },
    });
    const order: string[] = [];
    monitor.on("notified", ({ notifier, attempt }) => order.push(`${notifier.split(" ")[0]} ${attempt}`));
    monitor.on("delivery-failed", ({ notifier, attempt }) => order.push(`${notifier.split(" ")[0]} ${attempt} failed`));
    await monitor.evaluate();
    await monitor.flush();
    expect(order).toEqual(["email 1", "webhook 1 failed", "webhook 2"]);
    expect(receiver.requests).toHaveLength(2);
    expect(smtp.messages).toHaveLength(1);
  });

  it("a notifier that throws stops no other; minSeverity critical hears no warnings", async () => {
    const seen: AlertNotification[] = [];
    const broken: Notifier = { name: "broken", send: async () => Promise.reject(new Error("boom")) };
    const recorder: Notifier = { name: "recorder", minSeverity: "critical", send: async (n) => void seen.push(n) };
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail", "big");
    await client.rpush("resque:queue:big", job, job, job);
    await client.sadd("resque:workers", "h:1:big");
    await client.quit();
    const monitor = await firingMonitor({
      checks: { queueSizeAbove: 2, disabled: CHECK_NAMES.filter((c) => c !== "queue-without-workers" && c !== "queue-size") },
      notifiers: [broken, recorder],
      notify: { webhooks: [{ url: receiver.url }] },
    });
    await monitor.evaluate();
    await monitor.flush();
    expect(seen.map((n) => n.alert.id)).toEqual(["queue-without-workers|queue:mail"]);
    expect(receiver.requests.map((r) => r.json().alert.id).sort()).toEqual(["queue-size|queue:big", "queue-without-workers|queue:mail"]);
  });

  it("stop() abandons deliveries still retrying after stopTimeoutSeconds", async () => {
    receiver.respond = () => 503;
    const monitor = await firingMonitor({ notify: { webhooks: [{ url: receiver.url, retryDelaysSeconds: [3600] }] }, stopTimeoutSeconds: 0 });
    const failed = new Promise<void>((resolve) => monitor.on("delivery-failed", () => resolve()));
    await monitor.evaluate();
    await failed;
    await monitor.stop(); // returns although a retry is due in an hour
    expect(receiver.requests).toHaveLength(1);
  });
});
