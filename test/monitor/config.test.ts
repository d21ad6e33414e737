/** Monitor configuration from YAML and from code: what is accepted, and errors that name the bad field. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigurationError, loadMonitorConfig, Monitor, MonitorConfigError, parseMonitorConfig } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "resque-ts-monitor-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

function errorOf(run: () => unknown): MonitorConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MonitorConfigError);
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as MonitorConfigError;
  }
  throw new Error("expected a MonitorConfigError");
}

describe("monitor configuration", () => {
  it("reads a YAML file with instances, checks per queue and class, notifiers, and ${ENV} substitution", () => {
    const path = file(
      "monitor.yml",
      `
intervalSeconds: 15
repeatMinutes: 120
dashboardUrl: http://resque.internal:9292/
instances:
  - name: eu
    redis: redis://10.0.0.5:6379
  - name: us
    redis: \${US_REDIS}
    namespace: "resque:billing"
checks:
  failedAbove: 100
  queueSizeAbove: 5000
  queues:
    mail: { sizeAbove: 50, growingMinutes: 5, disabled: [queue-without-workers] }
  classes:
    NightlyReport: { runningLongerThanSeconds: 7200 }
  severity: { failed: critical }
  disabled: [eviction-policy]
notify:
  webhooks:
    - url: https://hooks.slack.com/services/T000/B000/XXXX
      format: slack
      minSeverity: critical
    - url: http://127.0.0.1:8080/alerts
      secret: \${HOOK_SECRET}
      retryDelaysSeconds: [1, 10]
  email:
    smtp: smtp://alerts:pw@mail.internal:587
    from: resque@example.com
    to: ops@example.com
http: { port: 9400, host: 0.0.0.0 }
`,
    );
    const config = loadMonitorConfig(path, { US_REDIS: "redis://10.1.0.5:6379", HOOK_SECRET: "s3cret" });
    expect(config.intervalSeconds).toBe(15);
    expect(config.instances).toEqual([
      { name: "eu", redis: "redis://10.0.0.5:6379" },
      { name: "us", redis: "redis://10.1.0.5:6379", namespace: "resque:billing" },
    ]);
    expect(config.checks).toEqual({
      failedAbove: 100,
      queueSizeAbove: 5000,
      queues: { mail: { sizeAbove: 50, growingMinutes: 5, disabled: ["queue-without-workers"] } },
      classes: { NightlyReport: { runningLongerThanSeconds: 7200 } },
      severity: { failed: "critical" },
      disabled: ["eviction-policy"],
    });
    expect(config.notify?.webhooks?.[1]).toEqual({ url: "http://127.0.0.1:8080/alerts", secret: "s3cret", retryDelaysSeconds: [1, 10] });
    expect(config.notify?.email).toEqual([{ smtp: "smtp://alerts:pw@mail.internal:587", from: "resque@example.com", to: ["ops@example.com"] }]);
    expect(config.http).toEqual({ port: 9400, host: "0.0.0.0" });
  });

  it.each([
    ["intervalSeconds: 0", "intervalSeconds: expected a number above 0, got 0"],
    ["intervalSecs: 10", 'intervalSecs: unknown setting; did you mean "intervalSeconds"?'],
    ["checks: { queueSizeAbove: lots }", 'checks.queueSizeAbove: expected a number of 0 or more, got "lots"'],
    ["checks: { queues: { mail: { sizeabove: 5 } } }", 'checks.queues.mail.sizeabove: unknown setting; did you mean "sizeAbove"?'],
    ["checks: { disabled: [queue-size, queue-sise] }", 'checks.disabled[1]: expected one of "failed", "failure-rate"'],
    ["checks: { severity: { failed: urgent } }", 'checks.severity.failed: expected one of "warning", "critical", got "urgent"'],
    ["notify: { webhooks: [{ format: slack }] }", "notify.webhooks[0].url: missing; expected the http(s) URL to POST alerts to"],
    ["notify: { webhooks: [{ url: 'ftp://x' }] }", 'notify.webhooks[0].url: expected an http:// or https:// URL, got "ftp://x"'],
    ["notify: { webhooks: [{ url: 'http://x', retryDelaysSeconds: [1, -1] }] }", "notify.webhooks[0].retryDelaysSeconds[1]: expected a number of 0 or more, got -1"],
    ["notify: { email: { smtp: 'mail.internal', from: a@b.c, to: c@d.e } }", 'notify.email.smtp: expected an smtp:// or smtps:// URL, or a mapping with host and port, got "mail.internal"'],
    ["notify: { email: { smtp: { host: h }, from: a@b.c } }", "notify.email.to: missing; expected one address or a list of addresses"],
    ["notify: { email: [{ smtp: { host: h }, from: a@b.c, to: [ok@x.y, nope] }] }", 'notify.email[0].to[1]: expected an email address, got "nope"'],
    ["instances: [{ name: a }, { name: a }]", 'instances[1].name: "a" names two instances'],
    ["http: { port: 70000 }", "http.port: expected a port number up to 65535, got 70000"],
  ])("%s → %s", (yaml, message) => {
    const error = errorOf(() => loadMonitorConfig(file("bad.yml", yaml), {}));
    expect(error.message).toContain(`${join(dir, "bad.yml")}: ${message}`);
    expect(error.source).toBe(join(dir, "bad.yml"));
  });

  it("names an unset environment variable, an unreadable file and YAML that does not parse", () => {
    expect(errorOf(() => loadMonitorConfig(file("env.yml", "notify: { webhooks: [{ url: '${HOOK_URL}' }] }"), {})).message).toBe(
      `${join(dir, "env.yml")}: notify.webhooks[0].url: uses \${HOOK_URL}, but the environment variable HOOK_URL is not set`,
    );
    expect(errorOf(() => loadMonitorConfig(join(dir, "missing.yml"))).message).toMatch(/missing\.yml: cannot be read \(ENOENT/);
    expect(errorOf(() => loadMonitorConfig(file("broken.yml", "checks: [unclosed"))).message).toMatch(/broken\.yml: is not valid YAML/);
  });

  it("new Monitor() validates its options the same way, before connecting", () => {
    expect(errorOf(() => new Monitor({ repeatMinutes: -1 })).message).toBe("new Monitor(): repeatMinutes: expected a number of 0 or more, got -1");
    expect(errorOf(() => new Monitor({ checks: { queues: { mail: { sizeAbove: "5" as never } } } })).message).toBe(
      'new Monitor(): checks.queues.mail.sizeAbove: expected a number of 0 or more, got "5"',
    );
    expect(errorOf(() => new Monitor({ instances: [{ redis: 6379 as never }] })).message).toBe("new Monitor(): instances[0].redis: expected a non-empty string, got 6379");
    expect(() => new Monitor({ notifiers: [{ name: "x" } as never] })).toThrow("notifiers[0] must be an object with a name and a send(notification, signal) method");
    expect(parseMonitorConfig({ notify: { email: { smtp: { host: "h", port: 25 }, from: "Ops <ops@x.y>", to: "a@b.c" } } }).notify?.email?.[0]?.from).toBe("Ops <ops@x.y>");
  });
});
