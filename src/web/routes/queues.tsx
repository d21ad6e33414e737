/** Queues: sizes, paging through jobs, a job's payload, and changes (edit, remove, move, clear). */
import type { Hono } from "hono";
import type { QueuedJob } from "../../admin/queues.js";
import { act, field, FormInputError, integerField, jsonField, plural, requiredField, unconfirmed } from "../actions.js";
import { href, instanceOf, localPath, pageOf, segment, type PageState, type WebContext, type WebEnv } from "../context.js";
import { filterQuery, isEmpty, jobFilterFrom } from "../filters.js";
import { Layout } from "../views/layout.js";
import { Action, Args, Empty, FormGuard, number, Pager, Table } from "../views/parts.js";

const PAGE_SIZE = 25;

export function registerQueues(app: Hono<WebEnv>): void {
  app.get("/queues", async (c) => {
    const page = pageOf(c);
    const queues = await instanceOf(c).admin.queues.list();
    return c.html(
      <Layout page={page} title="Queues" tab="queues">
        <h1>Queues</h1>
        {queues.length === 0 ? (
          <Empty>No queues yet: a queue appears when the first job is enqueued to it.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Queue</th>
                <th class="num">Jobs</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {queues.map((q) => (
                <tr>
                  <td>
                    <a href={href(page, `/queues/${segment(q.name)}`)}>{q.name}</a>
                  </td>
                  <td class="num" data-live={`queue:${q.name}`}>
                    {number(q.size)}
                  </td>
                  <td class="actions">
                    <QueueActions page={page} queue={q.name} size={q.size} />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });

  app.get("/queues/:name", async (c) => {
    const page = pageOf(c);
    const queue = c.req.param("name");
    const { admin } = instanceOf(c);
    const filter = jobFilterFrom((n) => c.req.query(n));
    const start = pageStart(c.req.query("start"));
    const filtered = !isEmpty(filter);
    const [size, jobs] = await Promise.all([
      admin.queues.size(queue),
      filtered ? admin.queues.find(queue, filter, { limit: start + PAGE_SIZE }).then((found) => found.slice(start)) : admin.queues.peek(queue, { start, count: PAGE_SIZE }),
    ]);
    const query = filterQuery(filter);
    return c.html(
      <Layout page={page} title={`Queue ${queue}`} tab="queues">
        <h1>
          Queue <span class="name">{queue}</span>
        </h1>
        <p>
          <strong data-live={`queue:${queue}`}>{number(size)}</strong> {size === 1 ? "job" : "jobs"} waiting; the first is next to run.
        </p>
        <div class="toolbar">
          <QueueActions page={page} queue={queue} size={size} />
        </div>
        <FilterForm page={page} action={href(page, `/queues/${segment(queue)}`)} filter={query} />
        {jobs.length === 0 ? (
          <Empty>{filtered ? "No job here matches." : "This queue is empty."}</Empty>
        ) : (
          <JobTable page={page} jobs={jobs} />
        )}
        <Pager link={(s) => href(page, `/queues/${segment(queue)}`, { ...query, start: s || undefined })} start={start} count={PAGE_SIZE} total={filtered ? undefined : size} shown={jobs.length} />
        {filtered && !page.readOnly ? <MatchingActions page={page} queue={queue} filter={query} /> : null}
      </Layout>,
    );
  });

  app.get("/queues/:name/job", async (c) => {
    const page = pageOf(c);
    const queue = c.req.param("name");
    const index = pageStart(c.req.query("index"));
    const job = await instanceOf(c).admin.queues.get(queue, index);
    const back = href(page, `/queues/${segment(queue)}`);
    if (!job) {
      return c.html(
        <Layout page={page} title="Job" tab="queues">
          <h1>No job there</h1>
          <p>
            Queue <span class="name">{queue}</span> has no job at position {index} now (workers may have taken it). <a href={back}>Back to the queue</a>
          </p>
        </Layout>,
        404,
      );
    }
    return c.html(
      <Layout page={page} title={`Job ${index} of ${queue}`} tab="queues">
        <p>
          <a href={back}>← Queue {queue}</a>
        </p>
        <h1>
          <span class="name">{job.class}</span> <span class="muted">at position {number(index)}</span>
        </h1>
        {job.error ? <p class="flash error">{`This payload cannot run: ${job.error}`}</p> : null}
        <h2>Payload</h2>
        <pre class="payload">{pretty(job.raw)}</pre>
        {page.readOnly ? null : (
          <>
            <h2>Edit</h2>
            <form method="post" action={href(page, `/queues/${segment(queue)}/edit`)} class="stacked edit-job">
              <FormGuard page={page} />
              <JobRef job={job} />
              <label>
                Class <input name="class" value={job.class} required />
              </label>
              <label>
                Arguments (JSON array)
                <textarea name="args" rows={6} spellcheck={false}>
                  {JSON.stringify(job.args, null, 2)}
                </textarea>
              </label>
              <button type="submit" class="primary">
                Save
              </button>
            </form>
            <h2>Move or remove</h2>
            <form method="post" action={href(page, `/queues/${segment(queue)}/move-job`)} class="inline">
              <FormGuard page={page} />
              <JobRef job={job} />
              <label>
                To queue <input name="to" required />
              </label>{" "}
              <button type="submit">Move</button>
            </form>{" "}
            <form method="post" action={href(page, `/queues/${segment(queue)}/remove-job`)} class="inline" data-confirm="Remove this job from the queue?">
              <FormGuard page={page} />
              <JobRef job={job} />
              <button type="submit" class="danger">
                Remove
              </button>
            </form>
          </>
        )}
      </Layout>,
    );
  });

  const queueHome = (c: WebContext, queue: string) => localPath(pageOf(c), `/queues/${segment(queue)}`);

  app.post("/queues/:name/edit", (c) =>
    act(c, async (form) => {
      const queue = c.req.param("name");
      const args = jsonField(form, "args", "The arguments");
      if (!Array.isArray(args)) throw new FormInputError("The arguments must be a JSON array, e.g. [42, \"text\"].");
      const className = requiredField(form, "class", "the class");
      const job = await instanceOf(c).admin.queues.editJob(refOf(form, queue), { class: className, args });
      return { message: `Saved the job at position ${job.index}.`, back: `${queueHome(c, queue)}/job?index=${job.index}` };
    }),
  );

  app.post("/queues/:name/remove-job", (c) =>
    act(c, async (form) => {
      const queue = c.req.param("name");
      await instanceOf(c).admin.queues.removeJob(refOf(form, queue));
      return { message: "Removed the job.", back: queueHome(c, queue) };
    }),
  );

  app.post("/queues/:name/move-job", (c) =>
    act(c, async (form) => {
      const queue = c.req.param("name");
      const to = requiredField(form, "to", "which queue to move to");
      await instanceOf(c).admin.queues.moveJob(refOf(form, queue), to);
      return { message: `Moved the job to the back of "${to}".`, back: queueHome(c, queue) };
    }),
  );

  app.post("/queues/:name/remove-matching", async (c) => {
    const queue = c.req.param("name");
    return (
      (await unconfirmed(c, `Remove every job of "${queue}" that matches the filter?`)) ??
      act(c, async (form) => {
        const result = await instanceOf(c).admin.queues.removeMatching(queue, jobFilterFrom((n) => field(form, n)));
        return `Removed ${plural(result.affected, "job")} of ${number(result.matched)} matching (${number(result.examined)} looked at).`;
      })
    );
  });

  app.post("/queues/:name/move-matching", async (c) => {
    const queue = c.req.param("name");
    return (
      (await unconfirmed(c, `Move every job of "${queue}" that matches the filter to another queue?`)) ??
      act(c, async (form) => {
        const to = requiredField(form, "to", "which queue to move to");
        const result = await instanceOf(c).admin.queues.moveMatching(queue, to, jobFilterFrom((n) => field(form, n)));
        return `Moved ${plural(result.affected, "job")} to "${to}".`;
      })
    );
  });

  app.post("/queues/:name/clear", async (c) => {
    const queue = c.req.param("name");
    return (
      (await unconfirmed(c, `Drop every job waiting on "${queue}"? They cannot be brought back.`)) ??
      act(c, async () => `Dropped ${plural(await instanceOf(c).admin.queues.clear(queue), "job")} from "${queue}".`)
    );
  });

  app.post("/queues/:name/delete", async (c) => {
    const queue = c.req.param("name");
    return (
      (await unconfirmed(c, `Delete queue "${queue}" and every job on it? They cannot be brought back.`)) ??
      act(c, async () => {
        const dropped = await instanceOf(c).admin.queues.delete(queue);
        return { message: `Deleted queue "${queue}" (${plural(dropped, "job")} dropped).`, back: localPath(pageOf(c), "/queues") };
      })
    );
  });
}

function QueueActions(props: { page: PageState; queue: string; size: number }) {
  const { page, queue } = props;
  return (
    <>
      <Action page={page} action={href(page, `/queues/${segment(queue)}/clear`)} label="Clear" kind="danger" confirm={`Drop every job waiting on "${queue}"?`} />{" "}
      <Action page={page} action={href(page, `/queues/${segment(queue)}/delete`)} label="Delete" kind="danger" confirm={`Delete queue "${queue}" and its jobs?`} />
    </>
  );
}

function JobTable(props: { page: PageState; jobs: QueuedJob[] }) {
  const { page } = props;
  return (
    <Table class="jobs">
      <thead>
        <tr>
          <th class="num">#</th>
          <th>Class</th>
          <th>Arguments</th>
          <th class="actions">Actions</th>
        </tr>
      </thead>
      <tbody>
        {props.jobs.map((job) => (
          <tr>
            <td class="num">{number(job.index)}</td>
            <td>
              <a href={href(page, `/queues/${segment(job.queue)}/job`, { index: job.index })}>{job.class || "(no class)"}</a>
              {job.error ? <span class="badge critical" title={job.error}>cannot run</span> : null}
            </td>
            <td>
              <Args args={job.args} />
            </td>
            <td class="actions">
              <a href={href(page, `/queues/${segment(job.queue)}/job`, { index: job.index })}>{page.readOnly ? "View" : "View / edit"}</a>{" "}
              {page.readOnly ? null : (
                <form method="post" action={href(page, `/queues/${segment(job.queue)}/remove-job`)} class="inline" data-confirm="Remove this job?">
                  <FormGuard page={page} />
                  <JobRef job={job} />
                  <button type="submit" class="danger small">
                    Remove
                  </button>
                </form>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}

export function FilterForm(props: { page: PageState; action: string; filter: Record<string, string>; extra?: { name: string; label: string }[] }) {
  const fields = [{ name: "class", label: "Class" }, ...(props.extra ?? []), { name: "text", label: "Text" }];
  return (
    <form method="get" action={props.action} class="filter">
      {fields.map((f) => (
        <label>
          {f.label} <input name={f.name} value={props.filter[f.name] ?? ""} />
        </label>
      ))}
      <button type="submit">Filter</button>
      {Object.keys(props.filter).length > 0 ? <a href={props.action}>clear filter</a> : null}
    </form>
  );
}

function MatchingActions(props: { page: PageState; queue: string; filter: Record<string, string> }) {
  const { page, queue, filter } = props;
  return (
    <section class="bulk">
      <h2>Every matching job</h2>
      <Action page={page} action={href(page, `/queues/${segment(queue)}/remove-matching`)} label="Remove all matching" kind="danger" fields={filter} confirm="Remove every matching job?" />{" "}
      <form method="post" action={href(page, `/queues/${segment(queue)}/move-matching`)} class="inline" data-confirm="Move every matching job?">
        <FormGuard page={page} />
        {Object.entries(filter).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <label>
          to queue <input name="to" required />
        </label>{" "}
        <button type="submit">Move all matching</button>
      </form>
    </section>
  );
}

/** The hidden fields that name one queued job: its position and exact bytes. */
function JobRef(props: { job: QueuedJob }) {
  return (
    <>
      <input type="hidden" name="index" value={String(props.job.index)} />
      <input type="hidden" name="raw" value={props.job.raw} />
    </>
  );
}

function refOf(form: Parameters<typeof field>[0], queue: string) {
  const raw = field(form, "raw");
  if (raw === undefined) throw new FormInputError("The form did not say which job (its raw payload is missing). Reload the page.");
  return { queue, index: integerField(form, "index", "The job's position"), raw };
}

export function pageStart(value: string | undefined): number {
  return value !== undefined && /^\d{1,9}$/.test(value) ? Number(value) : 0;
}

function pretty(raw: string): string {
  try {
    return JSON.stringify(JSON.parse(raw), null, 2);
  } catch {
    return raw;
  }
}
