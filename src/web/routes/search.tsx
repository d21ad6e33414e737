/** Job search across every queue, the failed lists and the delayed schedule, by text in the class or arguments. */
import type { Hono } from "hono";
import type { QueuedJob } from "../../admin/queues.js";
import { storedTimestamp } from "../../scheduler/delayed-time.js";
import { href, instanceOf, pageOf, segment, type WebEnv } from "../context.js";
import { Layout } from "../views/layout.js";
import { Args, Empty, Table, Time } from "../views/parts.js";

/** Results per section. */
const LIMIT = 25;
/** A search gives up after this long (a queue of millions is read a thousand jobs per call). */
const BUDGET_MS = 10_000;

export function registerSearch(app: Hono<WebEnv>): void {
  app.get("/search", async (c) => {
    const page = pageOf(c);
    const q = (c.req.query("q") ?? "").trim();
    if (q === "") {
      return c.html(
        <Layout page={page} title="Search" tab="search">
          <h1>Search</h1>
          <SearchForm action={href(page, "/search")} q="" />
        </Layout>,
      );
    }
    const { admin } = instanceOf(c);
    const signal = AbortSignal.timeout(BUDGET_MS);
    const names = await admin.queues.names();
    const [queued, failed, delayed] = await Promise.all([
      (async () => {
        const found: QueuedJob[] = [];
        for (const name of names) {
          if (found.length >= LIMIT || signal.aborted) break;
          found.push(...(await admin.queues.find(name, { text: q }, { limit: LIMIT - found.length, signal })));
        }
        return found;
      })(),
      admin.failed.page({ count: LIMIT, newestFirst: true, filter: { text: q } }),
      admin.delayed.find({ text: q }, { limit: LIMIT, signal }),
    ]);
    const now = Date.now();
    return c.html(
      <Layout page={page} title={`Search ${q}`} tab="search">
        <h1>Search</h1>
        <SearchForm action={href(page, "/search")} q={q} />
        {signal.aborted ? <p class="flash error">The search took too long and stopped early; results may be missing.</p> : null}
        <h2>Queued ({queued.length >= LIMIT ? `first ${LIMIT}` : queued.length})</h2>
        {queued.length === 0 ? (
          <Empty>No queued job matches.</Empty>
        ) : (
          <Table>
            <tbody>
              {queued.map((job) => (
                <tr>
                  <td>
                    <a href={href(page, `/queues/${segment(job.queue)}`)}>{job.queue}</a> #{job.index}
                  </td>
                  <td>
                    <a href={href(page, `/queues/${segment(job.queue)}/job`, { index: job.index })}>{job.class}</a>
                  </td>
                  <td>
                    <Args args={job.args} />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <h2>Failed ({failed.length >= LIMIT ? `newest ${LIMIT}` : failed.length})</h2>
        {failed.length === 0 ? (
          <Empty>No failed job matches.</Empty>
        ) : (
          <Table>
            <tbody>
              {failed.map((job) => (
                <tr>
                  <td>
                    <a href={href(page, "/failed/entry", { list: job.list === "failed" ? undefined : job.list, index: job.index })}>
                      <Time date={job.failedAt} now={now} />
                    </a>
                  </td>
                  <td>{job.payload.class}</td>
                  <td>
                    <Args args={job.payload.args} max={80} />
                  </td>
                  <td class="error">
                    <strong>{job.exception}</strong> <span class="message">{job.error}</span>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
        <h2>Delayed ({delayed.length >= LIMIT ? `first ${LIMIT}` : delayed.length})</h2>
        {delayed.length === 0 ? (
          <Empty>No delayed job matches.</Empty>
        ) : (
          <Table>
            <tbody>
              {delayed.map((job) => (
                <tr>
                  <td>
                    <a href={href(page, `/delayed/${storedTimestamp(job.at.getTime())}`)}>
                      <Time date={job.at} now={now} />
                    </a>
                  </td>
                  <td>{job.class}</td>
                  <td>
                    <Args args={job.args} />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });
}

function SearchForm(props: { action: string; q: string }) {
  return (
    <form method="get" action={props.action} class="filter">
      <label>
        Text in the class or arguments (failed: also the error) <input type="search" name="q" value={props.q} />
      </label>
      <button type="submit">Search</button>
    </form>
  );
}
