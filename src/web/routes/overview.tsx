/** The overview: what needs attention first, then the totals, queues and the last minutes. */
import type { Hono } from "hono";
import type { Overview } from "../../admin/overview.js";
import type { Finding } from "../../monitor/checks.js";
import { href, instanceOf, pageOf, segment, type PageState, type WebEnv } from "../context.js";
import { FIX_LABEL, findingHref, findingsOf } from "../findings.js";
import { HistoryChart } from "../views/charts.js";
import { Layout } from "../views/layout.js";
import { Empty, number, Table, Time } from "../views/parts.js";

export function registerOverview(app: Hono<WebEnv>): void {
  app.get("/", async (c) => {
    const page = pageOf(c);
    const overview = await instanceOf(c).admin.overview();
    const findings = findingsOf(overview, page.options);
    return c.html(
      <Layout page={page} title="Overview" tab="overview">
        <h1>Overview</h1>
        <Attention page={page} findings={findings} />
        <Totals page={page} overview={overview} />
        <h2>Queues</h2>
        {overview.queues.length === 0 ? (
          <Empty>No queues yet.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Queue</th>
                <th class="num">Jobs</th>
                <th class="num">Workers</th>
              </tr>
            </thead>
            <tbody>
              {overview.queues.map((q) => (
                <tr>
                  <td>
                    <a href={href(page, `/queues/${segment(q.name)}`)}>{q.name}</a>
                  </td>
                  <td class="num" data-live={`queue:${q.name}`}>
                    {number(q.size)}
                  </td>
                  <td class={`num${q.workers.length === 0 && q.size > 0 ? " bad" : ""}`}>{number(q.workers.length)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <h2>Last 15 minutes</h2>
        <HistoryChart points={overview.recentMinutes} label="Jobs per minute" resolution="minute" />
      </Layout>,
    );
  });
}

export function Attention(props: { page: PageState; findings: Finding[] }) {
  const { findings, page } = props;
  return (
    <section class="attention" aria-labelledby="attention">
      <h2 id="attention">Needs attention</h2>
      {findings.length === 0 ? (
        <p class="all-good">Nothing needs attention.</p>
      ) : (
        <ul class="findings">
          {findings.map((f) => (
            <li class={`finding ${f.severity}`} data-check={f.check}>
              <span class={`badge ${f.severity}`}>{f.severity}</span> <span class="message">{f.message}</span>{" "}
              <a href={findingHref(page, f.link)}>{FIX_LABEL[f.link.page]} →</a>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Totals(props: { page: PageState; overview: Overview }) {
  const { overview: o, page } = props;
  const queued = o.queues.reduce((sum, q) => sum + q.size, 0);
  const now = o.at.getTime();
  const lastMinute = o.recentMinutes.at(-2);
  return (
    <section class="cards" aria-label="Totals">
      <Card label="Processed" live="processed" value={number(o.totals.processed)} />
      <Card label="Failed" live="failed" value={number(o.failed.count)} link={href(page, "/failed")} bad={o.failed.count > 0} />
      <Card label="Failed last minute" value={number(lastMinute?.failed ?? 0)} bad={(lastMinute?.failed ?? 0) > 0} />
      <Card label="Queued" live="queued" value={number(queued)} link={href(page, "/queues")} />
      <Card label="Working" live="working" value={number(o.running.length)} link={href(page, "/working")} />
      <Card label="Workers" live="workers" value={number(o.workers.length)} link={href(page, "/workers")} />
      <Card label="Delayed times" live="delayed" value={number(o.scheduler.delayedTimestamps)} link={href(page, "/delayed")} />
      <div class="card">
        <span class="label">Scheduler</span>
        <span class="value small">{o.scheduler.leader ? o.scheduler.leader.holder : "none leading"}</span>
        {o.scheduler.earliestDue ? (
          <span class="muted">
            next due <Time date={o.scheduler.earliestDue} now={now} />
          </span>
        ) : null}
      </div>
      <div class="card">
        <span class="label">Redis</span>
        <span class="value small">
          {o.redis.version} · {memory(o.redis.usedMemoryBytes)}
          {o.redis.maxMemoryBytes > 0 ? ` of ${memory(o.redis.maxMemoryBytes)}` : ""}
        </span>
        <a class="muted" href={href(page, "/stats")}>
          {o.redis.maxMemoryPolicy}
        </a>
      </div>
    </section>
  );
}

function Card(props: { label: string; value: string; live?: string; link?: string; bad?: boolean }) {
  const value = (
    <span class={`value${props.bad ? " bad" : ""}`} data-live={props.live}>
      {props.value}
    </span>
  );
  return (
    <div class="card">
      <span class="label">{props.label}</span>
      {props.link ? <a href={props.link}>{value}</a> : value}
    </div>
  );
}

export function memory(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  return `${Math.round(bytes / 1024)} kB`;
}
