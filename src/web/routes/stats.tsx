/** Stats: processed and failed per minute and per hour as charts, job durations, and the Redis server. */
import type { Hono } from "hono";
import { href, instanceOf, pageOf, type WebEnv } from "../context.js";
import { HistoryChart } from "../views/charts.js";
import { Layout } from "../views/layout.js";
import { duration, Empty, number, Table } from "../views/parts.js";
import { memory } from "./overview.js";

export function registerStats(app: Hono<WebEnv>): void {
  app.get("/stats", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const countKeys = c.req.query("keys") === "1";
    const [totals, minutes, hours, info, durations, keys] = await Promise.all([
      admin.stats.totals(),
      admin.stats.history({ resolution: "minute" }),
      admin.stats.history({ resolution: "hour", since: new Date(Date.now() - 47 * 3600_000) }),
      admin.redis.info(),
      admin.stats.durations(),
      countKeys ? admin.redis.keys() : Promise.resolve(undefined),
    ]);
    return c.html(
      <Layout page={page} title="Stats" tab="stats">
        <h1>Stats</h1>
        <p>
          <strong data-live="processed">{number(totals.processed)}</strong> processed and <strong>{number(totals.failed)}</strong> failed since the counters began.
        </p>
        <HistoryChart points={minutes.points} label="Last hour, per minute" resolution="minute" />
        <HistoryChart points={hours.points} label="Last 2 days, per hour" resolution="hour" />
        <p class="muted small">The history is written by resque-ts workers; Ruby and node-resque workers count in the totals only.</p>
        <h2>Job durations</h2>
        {durations.length === 0 ? (
          <Empty>No durations recorded yet.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Class</th>
                <th class="num">Jobs</th>
                <th class="num">Average</th>
              </tr>
            </thead>
            <tbody>
              {durations
                .sort((a, b) => b.sumMs - a.sumMs)
                .map((d) => (
                  <tr>
                    <td>{d.class}</td>
                    <td class="num">{number(d.count)}</td>
                    <td class="num">{d.count === 0 ? "—" : duration(d.sumMs / d.count)}</td>
                  </tr>
                ))}
            </tbody>
          </Table>
        )}
        <h2>Redis</h2>
        <dl class="facts">
          <dt>Version</dt>
          <dd>
            {info.version} ({info.mode}, {info.role})
          </dd>
          <dt>Uptime</dt>
          <dd>{duration(info.uptimeSeconds * 1000)}</dd>
          <dt>Clients</dt>
          <dd>{number(info.connectedClients)}</dd>
          <dt>Memory</dt>
          <dd>
            {memory(info.usedMemoryBytes)}
            {info.maxMemoryBytes > 0 ? ` of ${memory(info.maxMemoryBytes)} (${Math.round((info.usedMemoryBytes / info.maxMemoryBytes) * 100)} %)` : " (no maxmemory)"}
            {info.maxMemoryBytes > 0 ? <meter min={0} max={info.maxMemoryBytes} high={info.maxMemoryBytes * 0.9} value={info.usedMemoryBytes} /> : null}
          </dd>
          <dt>Eviction policy</dt>
          <dd class={info.evictsAnyKey ? "bad" : undefined}>
            {info.maxMemoryPolicy}
            {info.evictsAnyKey ? ": Redis may drop queues and failed jobs under memory pressure; use noeviction" : ""}
          </dd>
          <dt>Keys</dt>
          <dd>
            {keys ? (
              <>
                {number(keys.total)} in this namespace:{" "}
                {Object.entries(keys.byKind)
                  .filter(([, n]) => n > 0)
                  .map(([kind, n]) => `${kind} ${number(n)}`)
                  .join(", ")}
              </>
            ) : (
              <a href={href(page, "/stats", { keys: 1 })}>Count them</a>
            )}
          </dd>
        </dl>
      </Layout>,
    );
  });
}
