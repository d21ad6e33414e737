/** Delayed jobs: due times with counts, the jobs at a time, search, run now and remove. */
import type { Hono } from "hono";
import type { DelayedJob } from "../../scheduler/delayed-item.js";
import { dateOfTimestamp, storedTimestamp } from "../../scheduler/delayed-time.js";
import { act, field, FormInputError, formOf, integerField, plural, unconfirmed, type Form } from "../actions.js";
import { href, instanceOf, pageOf, type PageState, type WebEnv } from "../context.js";
import { delayedFilterFrom, filterQuery, isEmpty } from "../filters.js";
import { Layout } from "../views/layout.js";
import { Action, Args, Empty, number, Pager, Table, Time } from "../views/parts.js";
import { FilterForm, pageStart } from "./queues.js";

const PAGE_SIZE = 25;

export function registerDelayed(app: Hono<WebEnv>): void {
  app.get("/delayed", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const filter = delayedFilterFrom((n) => c.req.query(n));
    const start = pageStart(c.req.query("start"));
    const now = Date.now();
    const query = filterQuery(filter);
    if (!isEmpty(filter)) {
      const found = await admin.delayed.find(filter, { limit: 200 });
      return c.html(
        <Layout page={page} title="Delayed" tab="delayed">
          <h1>Delayed jobs</h1>
          <FilterForm page={page} action={href(page, "/delayed")} filter={query} extra={[{ name: "queue", label: "Queue" }]} />
          <p>{found.length >= 200 ? "The first 200 matching jobs, earliest first." : `${plural(found.length, "matching job")}, earliest first.`}</p>
          {found.length === 0 ? <Empty>No delayed job matches.</Empty> : <DelayedTable page={page} jobs={found} now={now} />}
          {page.readOnly || found.length === 0 ? null : (
            <section class="bulk">
              <h2>Every matching job</h2>
              <Action page={page} action={href(page, "/delayed/matching")} label="Run all matching now" fields={{ ...query, op: "run-now" }} confirm="Put every matching delayed job on its queue now?" />{" "}
              <Action page={page} action={href(page, "/delayed/matching")} label="Remove all matching" kind="danger" fields={{ ...query, op: "remove" }} confirm="Remove every matching delayed job?" />
            </section>
          )}
        </Layout>,
      );
    }
    const [count, timestamps] = await Promise.all([admin.delayed.timestampCount(), admin.delayed.timestamps({ start, count: PAGE_SIZE })]);
    return c.html(
      <Layout page={page} title="Delayed" tab="delayed">
        <h1>Delayed jobs</h1>
        <p>
          Jobs waiting for their time at <strong data-live="delayed">{number(count)}</strong> distinct {count === 1 ? "time" : "times"}, earliest first.
        </p>
        <FilterForm page={page} action={href(page, "/delayed")} filter={query} extra={[{ name: "queue", label: "Queue" }]} />
        {timestamps.length === 0 ? (
          <Empty>No delayed jobs.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Due</th>
                <th>At</th>
                <th class="num">Jobs</th>
              </tr>
            </thead>
            <tbody>
              {timestamps.map((t) => (
                <tr class={t.at.getTime() <= now ? "due" : undefined}>
                  <td>
                    <a href={href(page, `/delayed/${storedTimestamp(t.at.getTime())}`)}>
                      <Time date={t.at} now={now} />
                    </a>
                  </td>
                  <td class="muted">{t.at.toISOString().replace("T", " ").replace(".000Z", " UTC")}</td>
                  <td class="num">{number(t.size)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <Pager link={(s) => href(page, "/delayed", { start: s || undefined })} start={start} count={PAGE_SIZE} total={count} shown={timestamps.length} />
      </Layout>,
    );
  });

  app.get("/delayed/:timestamp{[0-9]+}", async (c) => {
    const page = pageOf(c);
    const timestamp = Number(c.req.param("timestamp"));
    const start = pageStart(c.req.query("start"));
    const at = dateOfTimestamp(timestamp);
    const jobs = await instanceOf(c).admin.delayed.at(at, { start, count: PAGE_SIZE });
    return c.html(
      <Layout page={page} title="Delayed jobs at a time" tab="delayed">
        <p>
          <a href={href(page, "/delayed")}>← Delayed jobs</a>
        </p>
        <h1>
          Due <Time date={at} now={Date.now()} /> <span class="muted">({at.toISOString().replace("T", " ").replace(".000Z", " UTC")})</span>
        </h1>
        {jobs.length === 0 ? <Empty>No job is due at this time now (the scheduler may have moved them).</Empty> : <DelayedTable page={page} jobs={jobs} now={Date.now()} />}
        <Pager link={(s) => href(page, `/delayed/${timestamp}`, { start: s || undefined })} start={start} count={PAGE_SIZE} total={undefined} shown={jobs.length} />
      </Layout>,
    );
  });

  app.post("/delayed/one", (c) =>
    act(c, async (form) => {
      const op = opOf(form);
      const raw = field(form, "raw");
      if (raw === undefined) throw new FormInputError("The form did not say which delayed job (its raw item is missing). Reload the page.");
      const ref = { at: dateOfTimestamp(integerField(form, "at", "The due time")), raw };
      const { admin } = instanceOf(c);
      if (op === "run-now") await admin.delayed.runNow(ref);
      else await admin.delayed.remove(ref);
      return op === "run-now" ? "Put the job on its queue." : "Removed the delayed job.";
    }),
  );

  app.post("/delayed/matching", async (c) => {
    const form = await formOf(c);
    const op = opOf(form);
    const filter = delayedFilterFrom((n) => field(form, n));
    return (
      (await unconfirmed(c, op === "run-now" ? "Put every matching delayed job on its queue now?" : "Remove every matching delayed job?")) ??
      act(c, async () => {
        const { admin } = instanceOf(c);
        if (isEmpty(filter)) throw new FormInputError("Give a filter (class, queue or text) to act on matching delayed jobs.");
        const result = op === "run-now" ? await admin.delayed.runNowMatching(filter) : await admin.delayed.removeMatching(filter);
        return `${op === "run-now" ? "Put on their queues" : "Removed"}: ${plural(result.affected, "delayed job")}${result.changedMeanwhile > 0 ? ` (${number(result.changedMeanwhile)} changed meanwhile)` : ""}.`;
      })
    );
  });
}

function DelayedTable(props: { page: PageState; jobs: DelayedJob[]; now: number }) {
  const { page } = props;
  return (
    <Table>
      <thead>
        <tr>
          <th>Due</th>
          <th>Class</th>
          <th>Queue</th>
          <th>Arguments</th>
          <th class="actions">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((job) => {
          const fields = { at: storedTimestamp(job.at.getTime()), raw: job.raw };
          return (
            <tr>
              <td>
                <Time date={job.at} now={props.now} />
              </td>
              <td>
                {job.class}
                {job.error ? <span class="badge critical" title={job.error}>cannot run</span> : null}
              </td>
              <td>{job.queue ?? <span class="muted">its class's</span>}</td>
              <td>
                <Args args={job.args} />
              </td>
              <td class="actions">
                <Action page={page} action={href(page, "/delayed/one")} label="Run now" fields={{ ...fields, op: "run-now" }} />{" "}
                <Action page={page} action={href(page, "/delayed/one")} label="Remove" kind="danger" fields={{ ...fields, op: "remove" }} confirm="Remove this delayed job?" />
              </td>
            </tr>
          );
        })}
      </tbody>
    </Table>
  );
}

function opOf(form: Form): "run-now" | "remove" {
  const op = field(form, "op");
  if (op !== "run-now" && op !== "remove") throw new FormInputError(`Unknown action "${op ?? ""}" for delayed jobs; use run-now or remove.`);
  return op;
}
