/** Retries waiting in the delayed schedule: attempt n of limit, when, the last error; cancel one. */
import type { Hono } from "hono";
import { act, field, FormInputError } from "../actions.js";
import { href, instanceOf, pageOf, segment, type WebEnv } from "../context.js";
import { Layout } from "../views/layout.js";
import { Action, Args, Empty, number, Table, Time } from "../views/parts.js";

/** Retries shown at most (the list is read from the whole delayed schedule). */
const SHOWN = 500;

export function registerRetry(app: Hono<WebEnv>): void {
  app.get("/retry", async (c) => {
    const page = pageOf(c);
    const retries = await instanceOf(c).admin.retries.scheduled();
    const now = Date.now();
    return c.html(
      <Layout page={page} title="Retry" tab="retry">
        <h1>Retries</h1>
        <p>
          {number(retries.length)} {retries.length === 1 ? "job waits" : "jobs wait"} to be retried{retries.length > SHOWN ? `; the first ${SHOWN} are shown` : ""}.
        </p>
        {retries.length === 0 ? (
          <Empty>No job is waiting to be retried.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Due</th>
                <th>Class</th>
                <th>Queue</th>
                <th>Arguments</th>
                <th class="num">Attempt</th>
                <th>Last error</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {retries.slice(0, SHOWN).map((r) => (
                <tr>
                  <td>
                    <Time date={r.at} now={now} />
                  </td>
                  <td>{r.class}</td>
                  <td>{r.queue ? <a href={href(page, `/queues/${segment(r.queue)}`)}>{r.queue}</a> : <span class="muted">its class's</span>}</td>
                  <td>
                    <Args args={r.args} max={80} />
                  </td>
                  <td class="num">
                    {r.attempt}
                    {r.limit === undefined ? "" : ` / ${r.limit}`}
                  </td>
                  <td class="error">
                    {r.lastFailure ? (
                      <>
                        <strong>{r.lastFailure.exception}</strong> <span class="message">{r.lastFailure.error}</span>
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td class="actions">
                    <Action page={page} action={href(page, "/retry/cancel")} label="Cancel" kind="danger" fields={{ raw: r.raw }} confirm="Cancel this retry? The job will not run again." />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });

  app.post("/retry/cancel", (c) =>
    act(c, async (form) => {
      const raw = field(form, "raw");
      const decoded = raw === undefined ? undefined : decode(raw);
      if (raw === undefined || !decoded) throw new FormInputError("The form did not say which retry (its raw item is missing or unreadable). Reload the page.");
      const removed = await instanceOf(c).admin.retries.cancel({ ...decoded, raw });
      return removed === 0 ? "That retry was no longer scheduled (it ran, or someone cancelled it)." : `Cancelled the retry of ${decoded.class}.`;
    }),
  );
}

function decode(raw: string): { class: string; args: unknown[] } | undefined {
  try {
    const item = JSON.parse(raw) as { class?: unknown; args?: unknown };
    if (typeof item.class === "string" && Array.isArray(item.args)) return { class: item.class, args: item.args };
  } catch {
    // refused by the caller
  }
  return undefined;
}
