/** The configuration examples of docs/monitoring.md are valid monitor configurations. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseMonitorConfig } from "../../src/index.js";
import { expandEnvironment } from "../../src/monitor/config.js";

const page = readFileSync(fileURLToPath(new URL("../../docs/monitoring.md", import.meta.url)), "utf8");
const blocks = [...page.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
// Prometheus files, not monitor configurations.
const monitorBlocks = blocks.filter((b) => !/^# (prometheus|resque-rules)\.yml/.test(b));
const env = new Proxy({} as NodeJS.ProcessEnv, { get: (_, name) => (name === "SLACK_WEBHOOK_URL" ? "https://hooks.slack.com/services/T/B/X" : String(name).endsWith("URL") ? "redis://127.0.0.1:6379" : "value") });

describe("docs/monitoring.md", () => {
  it("has configuration examples", () => {
    expect(monitorBlocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(monitorBlocks.map((b, i) => [i, b] as const))("example %i is a valid configuration", (_, block) => {
    expect(() => parseMonitorConfig(expandEnvironment(parse(block), env, "docs", ""), "docs/monitoring.md")).not.toThrow();
  });
});
