/** Failed jobs: paging, filters, groups, the full entry, and retry / retry-and-remove / remove of one, a selection, or all matching. */
import type { Hono } from "hono";
import type { Child } from "hono/jsx";
import type { FailedJob } from "../../failure/failure-entry.js";
import type { FailedFilter } from "../../admin/filters.js";
import { act, field, fields, FormInputError, formOf, integerField, plural, requiredField, unconfirmed, type Form } from "../actions.js";
import { href, instanceOf, pageOf, segment, type PageState, type WebEnv } from "../context.js";
import { failedFilterFrom, filterQuery, isEmpty } from "../filters.js";
import { Layout } from "../views/layout.js";
import { Action, Args, Empty, FormGuard, number, Pager, Table, Time } from "../views/parts.js";
import { FilterForm, pageStart } from "./queues.js";

const PAGE_SIZE = 20;
type Op = "retry" | "retry-and-remove" | "remove";
const OPS: Record<Op, { label: string; done: string }> = {
  retry: { label: "Retry", done: "Retried" },
  "retry-and-remove": { label: "Retry & remove", done: "Retried and removed" },
  remove: { label: "Remove", done: "Removed" },
};

export function registerFailed(app: Hono<WebEnv>): void {
  app.get("/failed", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const filter = failedFilterFrom((n) => c.req.query(n));
    const start = pageStart(c.req.query("start"));
    const filtered = !isEmpty(filter);
    const [lists, jobs] = await Promise.all([admin.failed.lists(), admin.failed.page({ start, count: PAGE_SIZE, newestFirst: true, ...(filtered ? { filter } : {}) })]);
    const total = lists.reduce((sum, l) => sum + l.size, 0);
    const query = filterQuery(filter);
    const now = Date.now();
    return c.html(
      <Layout page={page} title="Failed" tab="failed">
        <h1>Failed jobs</h1>
        <p>
          <strong data-live="failed">{number(total)}</strong> failed {total === 1 ? "job" : "jobs"}
          {lists.length > 1 ? ` in ${lists.length} lists` : ""}, newest first. Group by{" "}
          <a href={href(page, "/failed/groups", { by: "class" })}>class</a>, <a href={href(page, "/failed/groups", { by: "queue" })}>queue</a> or{" "}
          <a href={href(page, "/failed/groups", { by: "exception" })}>exception</a>.
        </p>
        {lists.length > 1 ? (
          <p class="lists">
            {lists.map((l) => (
              <a href={href(page, "/failed", { list: l.name })} class={filter.list === l.name ? "active" : undefined}>
                {l.name} <span class="count" data-live={`failed-list:${l.name}`}>{number(l.size)}</span>
              </a>
            ))}
          </p>
        ) : null}
        <FilterForm page={page} action={href(page, "/failed")} filter={query} extra={[{ name: "exception", label: "Exception" }, { name: "queue", label: "Queue" }]} />
        {jobs.length === 0 ? (
          <Empty>{filtered ? "No failed job matches." : "No failed jobs."}</Empty>
        ) : (
          <SelectionForm page={page}>
            {page.readOnly ? null : (
              <div class="toolbar">
                <span class="muted">Selected:</span>
                {(Object.keys(OPS) as Op[]).map((op) => (
                  <button type="submit" name="op" value={op} class={op === "remove" ? "danger" : "plain"}>
                    {OPS[op].label}
                  </button>
                ))}
              </div>
            )}
            <Table class="failed">
              <thead>
                <tr>
                  {page.readOnly ? null : (
                    <th>
                      <input type="checkbox" data-select-all aria-label="Select all on this page" />
                    </th>
                  )}
                  <th>Failed</th>
                  <th>Class</th>
                  <th>Queue</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {jobs.map((job) => (
                  <tr>
                    {page.readOnly ? null : (
                      <td>
                        <input type="checkbox" name="entry" value={JSON.stringify({ list: job.list, index: job.index, raw: job.raw })} aria-label={`Select ${job.payload.class}`} />
                      </td>
                    )}
                    <td>
                      <a href={entryHref(page, job)}>
                        <Time date={job.failedAt} now={now} />
                      </a>
                      {job.retriedAt ? <span class="badge retried" title={`retried ${job.retriedAt.toISOString()}`}>retried</span> : null}
                    </td>
                    <td>
                      <a href={entryHref(page, job)}>{job.payload.class || "(no class)"}</a>
                      <br />
                      <Args args={job.payload.args} max={80} />
                    </td>
                    <td>{job.queue}</td>
                    <td class="error">
                      <strong>{job.exception}</strong> <span class="message">{cut(job.error, 200)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </Table>
          </SelectionForm>
        )}
        <Pager link={(s) => href(page, "/failed", { ...query, start: s || undefined })} start={start} count={PAGE_SIZE} total={filtered ? undefined : total} shown={jobs.length} />
        {page.readOnly || total === 0 ? null : <BulkActions page={page} filter={query} filtered={filtered} />}
      </Layout>,
    );
  });

  app.get("/failed/groups", async (c) => {
    const page = pageOf(c);
    const by = c.req.query("by");
    if (by !== "class" && by !== "queue" && by !== "exception") return c.redirect(href(page, "/failed/groups", { by: "exception" }), 302);
    const groups = await instanceOf(c).admin.failed.groups(by);
    return c.html(
      <Layout page={page} title={`Failed by ${by}`} tab="failed">
        <h1>Failed jobs by {by}</h1>
        <p>
          Group by <a href={href(page, "/failed/groups", { by: "class" })}>class</a>, <a href={href(page, "/failed/groups", { by: "queue" })}>queue</a>,{" "}
          <a href={href(page, "/failed/groups", { by: "exception" })}>exception</a> · <a href={href(page, "/failed")}>all failed jobs</a>
        </p>
        {groups.length === 0 ? (
          <Empty>No failed jobs.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>{by}</th>
                <th class="num">Jobs</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {groups.map((g) => {
                const filter = g.key === "" ? undefined : { [by]: g.key };
                return (
                  <tr>
                    <td>{filter ? <a href={href(page, "/failed", filter)}>{g.key}</a> : <span class="muted">(none)</span>}</td>
                    <td class="num">{number(g.count)}</td>
                    <td class="actions">
                      {filter ? (
                        <>
                          <Action page={page} action={href(page, "/failed/matching")} label="Retry & remove all" fields={{ ...filter, op: "retry-and-remove" }} confirm={`Retry and remove every failed job with ${by} ${g.key}?`} />{" "}
                          <Action page={page} action={href(page, "/failed/matching")} label="Remove all" kind="danger" fields={{ ...filter, op: "remove" }} confirm={`Remove every failed job with ${by} ${g.key}?`} />
                        </>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });

  app.get("/failed/entry", async (c) => {
    const page = pageOf(c);
    const list = c.req.query("list") || "failed";
    const index = pageStart(c.req.query("index"));
    const job = await instanceOf(c).admin.failed.get(index, list);
    if (!job) {
      return c.html(
        <Layout page={page} title="Failed job" tab="failed">
          <h1>No failed job there</h1>
          <p>
            "{list}" has no entry at position {index} now (it may have been retried or removed). <a href={href(page, "/failed")}>Back to failed jobs</a>
          </p>
        </Layout>,
        404,
      );
    }
    const now = Date.now();
    return c.html(
      <Layout page={page} title={`Failed ${job.payload.class}`} tab="failed">
        <p>
          <a href={href(page, "/failed")}>← Failed jobs</a>
        </p>
        <h1>
          <span class="name">{job.payload.class || "(no class)"}</span> <span class="muted">failed</span>
        </h1>
        <dl class="facts">
          <dt>Exception</dt>
          <dd>
            <strong>{job.exception}</strong>
          </dd>
          <dt>Error</dt>
          <dd class="error-message">{job.error}</dd>
          <dt>Failed</dt>
          <dd>
            <Time date={job.failedAt} now={now} />
          </dd>
          <dt>Queue</dt>
          <dd>{job.queue ? <a href={href(page, `/queues/${segment(job.queue)}`)}>{job.queue}</a> : <span class="muted">none</span>}</dd>
          <dt>Worker</dt>
          <dd>{job.worker}</dd>
          {job.retriedAt ? (
            <>
              <dt>Retried</dt>
              <dd>
                <Time date={job.retriedAt} now={now} />
              </dd>
            </>
          ) : null}
          {job.attempts !== undefined ? (
            <>
              <dt>Attempts</dt>
              <dd>{job.attempts}</dd>
            </>
          ) : null}
          <dt>List</dt>
          <dd>
            {job.list}, position {job.index}
          </dd>
        </dl>
        {page.readOnly ? null : (
          <div class="toolbar">
            {(Object.keys(OPS) as Op[]).map((op) => (
              <Action page={page} action={href(page, "/failed/one")} label={OPS[op].label} kind={op === "remove" ? "danger" : "plain"} fields={{ op, list: job.list, index: job.index, raw: job.raw }} />
            ))}
          </div>
        )}
        <h2>Arguments</h2>
        <pre class="payload">{JSON.stringify(job.payload.args, null, 2)}</pre>
        {job.rawPayload !== undefined ? (
          <>
            <h2>Original payload</h2>
            <pre class="payload">{job.rawPayload}</pre>
          </>
        ) : null}
        <h2>Backtrace</h2>
        {job.backtrace.length === 0 ? <Empty>No backtrace.</Empty> : <pre class="backtrace">{job.backtrace.join("\n")}</pre>}
      </Layout>,
    );
  });

  app.post("/failed/one", (c) =>
    act(c, async (form) => {
      const op = opOf(form);
      const ref = { list: requiredField(form, "list", "the failed list"), index: integerField(form, "index", "The entry's position"), raw: rawOf(form) };
      await apply(instanceOf(c).admin, op, ref);
      return { message: `${OPS[op].done} the failed job.`, back: `${pageOf(c).base.slice(pageOf(c).root.length)}/failed` };
    }),
  );

  app.post("/failed/selected", (c) =>
    act(c, async (form) => {
      const op = opOf(form);
      const refs = fields(form, "entry").map(parseRef);
      if (refs.length === 0) throw new FormInputError("No failed job was selected: tick the ones to act on first.");
      // From the newest: removing an entry moves the ones after it.
      refs.sort((a, b) => b.index - a.index);
      let done = 0;
      let changed = 0;
      for (const ref of refs) {
        try {
          await apply(instanceOf(c).admin, op, ref);
          done++;
        } catch (error) {
          if ((error as Error).name !== "FailedEntryChangedError") throw error;
          changed++;
        }
      }
      return `${OPS[op].done} ${plural(done, "failed job")}${changed > 0 ? `; ${plural(changed, "was", "were")} already changed by someone else and left alone` : ""}.`;
    }),
  );

  app.post("/failed/matching", async (c) => {
    const form = await formOf(c);
    const op = opOf(form);
    const filter = failedFilterFrom((n) => field(form, n));
    const what = isEmpty(filter) ? "every failed job" : "every failed job that matches the filter";
    return (
      (await unconfirmed(c, `${OPS[op].label}: ${what}?${op === "remove" ? " Removed entries cannot be brought back." : ""}`)) ??
      act(c, async () => {
        const { admin } = instanceOf(c);
        if (isEmpty(filter)) {
          if (op === "remove") return `Cleared ${plural(await admin.failed.clear(), "failed job")}.`;
          const result = op === "retry" ? await admin.failed.retryAll() : await admin.failed.retryAndRemoveAll();
          return summary(op, result);
        }
        const result =
          op === "retry" ? await admin.failed.retryMatching(filter) : op === "retry-and-remove" ? await admin.failed.retryAndRemoveMatching(filter) : await admin.failed.removeMatching(filter);
        return summary(op, result);
      })
    );
  });
}

/** The failed list as a form whose checkboxes select entries; a plain wrapper in read-only mode. */
function SelectionForm(props: { page: PageState; children?: Child }) {
  if (props.page.readOnly) return <div>{props.children}</div>;
  return (
    <form method="post" action={href(props.page, "/failed/selected")} class="selection">
      <FormGuard page={props.page} />
      {props.children}
    </form>
  );
}

function BulkActions(props: { page: PageState; filter: Record<string, string>; filtered: boolean }) {
  const { page, filter, filtered } = props;
  const action = href(page, "/failed/matching");
  return (
    <section class="bulk">
      <h2>{filtered ? "Every matching job" : "Every failed job"}</h2>
      <Action page={page} action={action} label={filtered ? "Retry all matching" : "Retry all"} fields={{ ...filter, op: "retry" }} confirm="Retry every one of them (the entries stay, marked retried)?" />{" "}
      <Action page={page} action={action} label={filtered ? "Retry & remove all matching" : "Retry & remove all"} fields={{ ...filter, op: "retry-and-remove" }} confirm="Retry and remove every one of them?" />{" "}
      <Action page={page} action={action} label={filtered ? "Remove all matching" : "Clear all"} kind="danger" fields={{ ...filter, op: "remove" }} confirm="Remove every one of them? This cannot be undone." />
    </section>
  );
}

function entryHref(page: PageState, job: FailedJob): string {
  return href(page, "/failed/entry", { list: job.list === "failed" ? undefined : job.list, index: job.index });
}

function opOf(form: Form): Op {
  const op = field(form, "op");
  if (op !== "retry" && op !== "retry-and-remove" && op !== "remove") throw new FormInputError(`Unknown action "${op ?? ""}" for failed jobs; use retry, retry-and-remove or remove.`);
  return op;
}

function rawOf(form: Form): string {
  const raw = field(form, "raw");
  if (raw === undefined) throw new FormInputError("The form did not say which failed job (its raw entry is missing). Reload the page.");
  return raw;
}

function parseRef(value: string): { list: string; index: number; raw: string } {
  try {
    const ref = JSON.parse(value) as { list?: unknown; index?: unknown; raw?: unknown };
    if (typeof ref.list === "string" && typeof ref.index === "number" && typeof ref.raw === "string") return { list: ref.list, index: ref.index, raw: ref.raw };
  } catch {
    // refused below
  }
  throw new FormInputError("A selected failed job could not be read from the form. Reload the page and select again.");
}

async function apply(admin: ReturnType<typeof instanceOf>["admin"], op: Op, ref: { list: string; index: number; raw: string }): Promise<void> {
  if (op === "retry") await admin.failed.retry(ref);
  else if (op === "retry-and-remove") await admin.failed.retryAndRemove(ref);
  else await admin.failed.remove(ref);
}

function summary(op: Op, result: { affected: number; matched: number; changedMeanwhile: number; skipped: number }): string {
  const notes = [
    result.changedMeanwhile > 0 ? `${plural(result.changedMeanwhile, "was", "were")} changed meanwhile` : "",
    result.skipped > 0 ? `${plural(result.skipped, "has", "have")} no queue to retry on and stayed` : "",
  ].filter(Boolean);
  return `${OPS[op].done} ${plural(result.affected, "failed job")}${notes.length ? ` (${notes.join("; ")})` : ""}.`;
}

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

export type { FailedFilter };
