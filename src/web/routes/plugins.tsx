/** The day-two plugins' data, each shown when it has any: job statuses, unique-job locks, limits. */
import type { Hono } from "hono";
import { listLimits } from "../../admin/limits.js";
import { listLocks, type HeldLock } from "../../admin/locks.js";
import { listStatuses } from "../../admin/statuses.js";
import { href, instanceOf, pageOf, type WebEnv } from "../context.js";
import { Layout } from "../views/layout.js";
import { Empty, number, Pager, Table, Time } from "../views/parts.js";
import { pageStart } from "./queues.js";

const PAGE_SIZE = 25;

export function registerPlugins(app: Hono<WebEnv>): void {
  app.get("/plugins", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const start = pageStart(c.req.query("start"));
    const [statuses, locks, limits] = await Promise.all([listStatuses(admin, { offset: start, limit: PAGE_SIZE }), listLocks(admin, { limit: 100 }), listLimits(admin)]);
    const now = Date.now();
    const none = statuses.total === 0 && locks.total === 0 && limits.length === 0;
    return c.html(
      <Layout page={page} title="Plugins" tab="plugins">
        <h1>Plugins</h1>
        {none ? <Empty>No job status, unique-job lock or limit is recorded: the status, unique and limit plugins have no data here.</Empty> : null}
        {statuses.total > 0 ? (
          <section>
            <h2>Job statuses ({number(statuses.total)})</h2>
            <Table>
              <thead>
                <tr>
                  <th>Id</th>
                  <th>Class</th>
                  <th>Status</th>
                  <th class="num">Progress</th>
                  <th>Message</th>
                  <th>Updated</th>
                </tr>
              </thead>
              <tbody>
                {statuses.statuses.map((s) => (
                  <tr>
                    <td>
                      <code class="small">{s.id}</code>
                    </td>
                    <td>{s.name ?? ""}</td>
                    <td>
                      <span class={`badge ${s.status}`}>{s.status}</span>
                    </td>
                    <td class="num">{`${s.pctComplete} %`}</td>
                    <td>{s.message ?? ""}</td>
                    <td>
                      <Time date={s.time} now={now} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pager link={(s) => href(page, "/plugins", { start: s || undefined })} start={start} count={PAGE_SIZE} total={statuses.total} shown={statuses.statuses.length} />
          </section>
        ) : null}
        {locks.total > 0 ? (
          <section>
            <h2>Unique-job locks ({number(locks.total)})</h2>
            <Table>
              <thead>
                <tr>
                  <th>Lock</th>
                  <th>Held by</th>
                  <th>Expires</th>
                </tr>
              </thead>
              <tbody>
                {locks.locks.map((l) => (
                  <LockRow lock={l} now={now} />
                ))}
              </tbody>
            </Table>
          </section>
        ) : null}
        {limits.length > 0 ? (
          <section>
            <h2>Limits ({number(limits.length)})</h2>
            <Table>
              <thead>
                <tr>
                  <th>Key</th>
                  <th class="num">Running / concurrency</th>
                  <th>Rate</th>
                  <th>Holders</th>
                </tr>
              </thead>
              <tbody>
                {limits.map((l) => (
                  <tr>
                    <td>{l.key}</td>
                    <td class="num">
                      {l.holders.length}
                      {l.concurrency === null ? "" : ` / ${l.concurrency}`}
                    </td>
                    <td>{l.rate ? `${l.recentRuns} of ${l.rate.limit} per ${l.rate.per} s` : <span class="muted">—</span>}</td>
                    <td>
                      {l.holders.length === 0 ? (
                        <span class="muted">none</span>
                      ) : (
                        l.holders.map((h) => (
                          <div class="small">
                            {h.workerId} <span class="muted">(lease ends <Time date={h.leaseExpiresAt} now={now} />)</span>
                          </div>
                        ))
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </section>
        ) : null}
      </Layout>,
    );
  });
}

function LockRow(props: { lock: HeldLock; now: number }) {
  const { lock } = props;
  return (
    <tr>
      <td>
        <code class="small">{lock.name}</code>
      </td>
      <td>{lock.value}</td>
      <td>{lock.ttlMs === undefined ? <span class="muted">never</span> : <Time date={new Date(props.now + lock.ttlMs)} now={props.now} />}</td>
    </tr>
  );
}
