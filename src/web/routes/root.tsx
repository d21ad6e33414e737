/** With several instances: one combined overview at the root, a row per instance. */
import type { Hono } from "hono";
import { Admin } from "../../admin/index.js";
import { pageOf, type PageState, type WebEnv } from "../context.js";
import { FIX_LABEL, findingHref, findingsOf } from "../findings.js";
import { liveValues } from "../live.js";
import { Layout } from "../views/layout.js";
import { number, Table } from "../views/parts.js";

export function registerRootRoutes(app: Hono<WebEnv>): void {
  app.get("/", async (c) => {
    const page = pageOf(c);
    const combined = await Admin.overview(page.options.instances.map((i) => i.admin));
    const rows = combined.instances.map((row, i) => ({ row, instance: page.options.instances[i]! }));
    return c.html(
      <Layout page={page} title="Overview">
        <h1>All instances</h1>
        <Table class="instances">
          <thead>
            <tr>
              <th>Instance</th>
              <th>Attention</th>
              <th class="num">Failed</th>
              <th class="num">Queued</th>
              <th class="num">Working</th>
              <th class="num">Workers</th>
              <th class="num">Processed</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ row, instance }) => {
              const base: Pick<PageState, "base"> = { base: `${page.root}/${instance.slug}` };
              if (!row.ok) {
                return (
                  <tr class="unreachable">
                    <td>
                      <a href={`${base.base}/`}>{instance.name}</a>
                    </td>
                    <td colspan={6}>
                      <span class="badge critical">unreachable</span> {row.error}
                    </td>
                  </tr>
                );
              }
              const o = row.overview;
              const findings = findingsOf(o, page.options);
              const p = `${instance.slug}/`;
              return (
                <tr>
                  <td>
                    <a href={`${base.base}/`}>{instance.name}</a>
                  </td>
                  <td>
                    {findings.length === 0 ? (
                      <span class="muted">nothing</span>
                    ) : (
                      <ul class="findings compact">
                        {findings.map((f) => (
                          <li class={`finding ${f.severity}`}>
                            <span class={`badge ${f.severity}`}>{f.severity}</span> <a href={findingHref(base, f.link)} title={FIX_LABEL[f.link.page]}>{f.message}</a>
                          </li>
                        ))}
                      </ul>
                    )}
                  </td>
                  <td class={`num${o.failed.count > 0 ? " bad" : ""}`} data-live={`${p}failed`}>
                    {number(o.failed.count)}
                  </td>
                  <td class="num" data-live={`${p}queued`}>
                    {number(o.queues.reduce((sum, q) => sum + q.size, 0))}
                  </td>
                  <td class="num" data-live={`${p}working`}>
                    {number(o.running.length)}
                  </td>
                  <td class="num" data-live={`${p}workers`}>
                    {number(o.workers.length)}
                  </td>
                  <td class="num" data-live={`${p}processed`}>
                    {number(o.totals.processed)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </Table>
      </Layout>,
    );
  });

  app.get("/live.json", async (c) => {
    const page = pageOf(c);
    const combined = await Admin.overview(page.options.instances.map((i) => i.admin));
    const values: Record<string, number> = {};
    combined.instances.forEach((row, i) => {
      if (row.ok) Object.assign(values, liveValues(row.overview, `${page.options.instances[i]!.slug}/`));
    });
    return c.json({ at: combined.at.toISOString(), values });
  });
}
