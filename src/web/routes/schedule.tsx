/** Recurring schedules: each with its timing in words, next and last run, enable/disable and run now. */
import type { Hono } from "hono";
import { act, plural } from "../actions.js";
import { href, instanceOf, pageOf, segment, type WebEnv } from "../context.js";
import { scheduleInWords } from "../schedule-words.js";
import { Layout } from "../views/layout.js";
import { Action, Args, Empty, Table, Time } from "../views/parts.js";

export function registerSchedule(app: Hono<WebEnv>): void {
  app.get("/schedule", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const [schedules, leader] = await Promise.all([admin.schedules.list(), admin.schedules.leader()]);
    const now = Date.now();
    return c.html(
      <Layout page={page} title="Schedule" tab="schedule">
        <h1>Schedule</h1>
        <p>
          {leader ? (
            <>
              Leading scheduler: <strong>{leader.holder}</strong>.
            </>
          ) : (
            <span class="bad">No scheduler is leading: schedules do not fire and delayed jobs are not moved.</span>
          )}{" "}
          {plural(schedules.length, "schedule")}.
        </p>
        {schedules.length === 0 ? (
          <Empty>No schedules: a leading resque-ts scheduler publishes its schedule file here, and dynamic schedules are listed too.</Empty>
        ) : (
          <Table class="schedules">
            <thead>
              <tr>
                <th>Name</th>
                <th>When</th>
                <th>Job</th>
                <th>Last run</th>
                <th>Next run</th>
                <th>State</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => {
                const words = scheduleInWords(s.kind, s.expression);
                const last = s.lastRun ?? s.lastEnqueuedAt;
                return (
                  <tr data-schedule={s.name}>
                    <td>
                      <span class="name">{s.name}</span> <span class="muted small">{s.source}</span>
                      {s.description ? (
                        <>
                          <br />
                          <span class="muted small">{s.description}</span>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {words ?? s.expression ?? <span class="muted">—</span>}
                      {words && s.expression ? (
                        <>
                          <br />
                          <code class="small">{s.expression}</code>
                        </>
                      ) : null}
                    </td>
                    <td>
                      {s.class} <span class="muted">on</span> {s.queue ? <a href={href(page, `/queues/${segment(s.queue)}`)}>{s.queue}</a> : <span class="muted">its class's queue</span>}
                      {s.args.length > 0 ? (
                        <>
                          <br />
                          <Args args={s.args} max={80} />
                        </>
                      ) : null}
                    </td>
                    <td>
                      <Time date={last} now={now} />
                    </td>
                    <td>{s.enabled ? <Time date={s.nextRun} now={now} /> : <span class="muted">—</span>}</td>
                    <td>
                      {s.error ? (
                        <span class="badge critical" title={s.error}>
                          invalid
                        </span>
                      ) : s.enabled ? (
                        <span class="badge ok">enabled</span>
                      ) : (
                        <span class="badge paused">{s.disabledByOperator ? "disabled" : "off in config"}</span>
                      )}
                      {!s.loaded && !s.error ? <span class="muted small"> not loaded by the leader</span> : null}
                      {s.error ? <div class="small bad">{s.error}</div> : null}
                    </td>
                    <td class="actions">
                      {s.disabledByOperator ? (
                        <Action page={page} action={href(page, `/schedule/${segment(s.name)}/enable`)} label="Enable" />
                      ) : (
                        <Action page={page} action={href(page, `/schedule/${segment(s.name)}/disable`)} label="Disable" />
                      )}{" "}
                      <Action page={page} action={href(page, `/schedule/${segment(s.name)}/run-now`)} label="Run now" kind="primary" />
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

  app.post("/schedule/:name/enable", (c) =>
    act(c, async () => {
      await instanceOf(c).admin.schedules.enable(c.req.param("name"));
      return `Enabled schedule "${c.req.param("name")}".`;
    }),
  );
  app.post("/schedule/:name/disable", (c) =>
    act(c, async () => {
      await instanceOf(c).admin.schedules.disable(c.req.param("name"));
      return `Disabled schedule "${c.req.param("name")}": its slots are skipped until it is enabled.`;
    }),
  );
  app.post("/schedule/:name/run-now", (c) =>
    act(c, async () => {
      const queue = await instanceOf(c).admin.schedules.runNow(c.req.param("name"));
      return `Enqueued the job of schedule "${c.req.param("name")}" on "${queue}".`;
    }),
  );
}
