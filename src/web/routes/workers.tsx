/** Working and Workers: what each worker does and for how long; pause, resume, stop and kill one worker, a host or all. */
import type { Hono } from "hono";
import type { WorkerInfo } from "../../admin/workers.js";
import type { ControlTarget } from "../../worker/control.js";
import { act, field, FormInputError, plural, requiredField, unconfirmed } from "../actions.js";
import { href, instanceOf, pageOf, segment, type PageState, type WebEnv } from "../context.js";
import { Layout } from "../views/layout.js";
import { Action, Args, duration, Empty, number, Table, Time } from "../views/parts.js";

export function registerWorkers(app: Hono<WebEnv>): void {
  app.get("/working", async (c) => {
    const page = pageOf(c);
    const workers = await instanceOf(c).admin.workers.list();
    const working = workers.filter((w) => w.job !== null).sort((a, b) => (b.job!.runningForMs ?? 0) - (a.job!.runningForMs ?? 0));
    const highlighted = c.req.query("worker");
    return c.html(
      <Layout page={page} title="Working" tab="working">
        <h1>Working</h1>
        <p>
          <strong data-live="working">{number(working.length)}</strong> of {plural(workers.length, "worker")} running a job, longest first.
        </p>
        {working.length === 0 ? (
          <Empty>No worker is running a job.</Empty>
        ) : (
          <Table>
            <thead>
              <tr>
                <th>Worker</th>
                <th>Queue</th>
                <th>Class</th>
                <th>Arguments</th>
                <th class="num">Running for</th>
              </tr>
            </thead>
            <tbody>
              {working.map((w) => (
                <tr class={w.id === highlighted ? "highlight" : undefined} id={`worker-${w.id}`}>
                  <td>
                    <a href={href(page, "/workers", { worker: w.id })}>{w.id}</a>
                  </td>
                  <td>
                    <a href={href(page, `/queues/${segment(w.job!.queue)}`)}>{w.job!.queue}</a>
                  </td>
                  <td>{w.job!.class}</td>
                  <td>
                    <Args args={w.job!.args} />
                  </td>
                  <td class={`num${longRunning(w) ? " bad" : ""}`}>{w.job!.runningForMs === undefined ? "—" : duration(w.job!.runningForMs)}</td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });

  app.get("/workers", async (c) => {
    const page = pageOf(c);
    const { admin } = instanceOf(c);
    const [workers, paused] = await Promise.all([admin.workers.list(), admin.workers.paused()]);
    const now = Date.now();
    const highlighted = c.req.query("worker");
    const hosts = [...new Set(workers.map((w) => w.host))].sort();
    return c.html(
      <Layout page={page} title="Workers" tab="workers">
        <h1>Workers</h1>
        <p>
          <strong data-live="workers">{number(workers.length)}</strong> registered{paused.all ? "; every worker is paused (pause-all-workers)" : ""}.
        </p>
        <div class="toolbar">
          <span class="muted">All workers:</span> <ControlButtons page={page} target={{ all: "1" }} what="every worker" />
        </div>
        {hosts.length > 1 ? (
          <Table class="hosts">
            <thead>
              <tr>
                <th>Host</th>
                <th class="num">Workers</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {hosts.map((host) => (
                <tr>
                  <td>{host}</td>
                  <td class="num">{number(workers.filter((w) => w.host === host).length)}</td>
                  <td class="actions">
                    <ControlButtons page={page} target={{ host }} what={`every worker on ${host}`} />
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        ) : null}
        {workers.length === 0 ? (
          <Empty>No worker is registered.</Empty>
        ) : (
          <Table class="workers">
            <thead>
              <tr>
                <th>Worker</th>
                <th>State</th>
                <th>Queues</th>
                <th>Job</th>
                <th>Started</th>
                <th>Heartbeat</th>
                <th class="num">Processed</th>
                <th class="num">Failed</th>
                <th class="actions">Actions</th>
              </tr>
            </thead>
            <tbody>
              {workers.map((w) => (
                <tr class={w.id === highlighted ? "highlight" : undefined} id={`worker-${w.id}`} data-worker={w.id}>
                  <td>
                    <span class="name">{w.host}</span>
                    <span class="muted">
                      {" "}
                      pid {w.pid}
                      {w.slot === undefined ? "" : ` slot ${w.slot}`} · {w.kind}
                    </span>
                    <br />
                    <span class="muted small">{w.id}</span>
                  </td>
                  <td>
                    <span class={`badge ${w.state}`}>{w.state}</span>
                  </td>
                  <td>{w.queues.join(", ")}</td>
                  <td>
                    {w.job ? (
                      <>
                        {w.job.class} <span class="muted">on {w.job.queue}</span>
                        {w.job.runningForMs === undefined ? null : <span class="muted"> for {duration(w.job.runningForMs)}</span>}
                      </>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td>
                    <Time date={w.startedAt} now={now} />
                  </td>
                  <td class={staleHeartbeat(w) ? "bad" : undefined}>
                    {w.heartbeatAgeMs === undefined ? <span class="muted">—</span> : `${duration(w.heartbeatAgeMs)} ago`}
                  </td>
                  <td class="num">{number(w.processed)}</td>
                  <td class="num">{number(w.failed)}</td>
                  <td class="actions">
                    {w.kind === "resque-ts" ? <ControlButtons page={page} target={{ worker: w.id }} what={`the process of ${w.id} (all its slots)`} /> : <span class="muted small">only "All workers" reaches {w.kind} workers</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
        )}
      </Layout>,
    );
  });

  app.post("/workers/control", async (c) => {
    const form = await c.req.parseBody();
    const action = typeof form.action === "string" ? form.action : "";
    if (action === "stop" || action === "kill") {
      const refused = await unconfirmed(c, action === "kill" ? "Kill these workers? Their running jobs are stopped now and put back on their queues." : "Stop these workers after their running jobs?");
      if (refused) return refused;
    }
    return act(c, async (values) => {
      const target = targetOf(values);
      const { admin } = instanceOf(c);
      const result =
        action === "pause"
          ? await admin.workers.pause(target)
          : action === "resume"
            ? await admin.workers.resume(target)
            : action === "stop"
              ? await admin.workers.stop(target)
              : action === "kill"
                ? await admin.workers.kill(target)
                : undefined;
      if (!result) throw new FormInputError(`Unknown worker action "${action}"; use pause, resume, stop or kill.`);
      const verb = { pause: "Paused", resume: "Resumed", stop: "Asked to stop", kill: "Killed" }[action];
      return `${verb} ${plural(result.workers.length, "worker")} (${plural(result.processes, "resque-ts process", "resque-ts processes")} heard it).`;
    });
  });
}

function ControlButtons(props: { page: PageState; target: Record<string, string>; what: string }) {
  const { page, target, what } = props;
  const action = href(page, "/workers/control");
  return (
    <>
      <Action page={page} action={action} label="Pause" fields={{ ...target, action: "pause" }} />{" "}
      <Action page={page} action={action} label="Resume" fields={{ ...target, action: "resume" }} />{" "}
      <Action page={page} action={action} label="Stop" fields={{ ...target, action: "stop" }} confirm={`Stop ${what} after the running jobs?`} />{" "}
      <Action page={page} action={action} label="Kill" kind="danger" fields={{ ...target, action: "kill" }} confirm={`Kill ${what}? Running jobs are put back on their queues.`} />
    </>
  );
}

function targetOf(form: Parameters<typeof field>[0]): ControlTarget {
  if (field(form, "all") === "1") return { all: true };
  const host = field(form, "host");
  if (host) return { host };
  const worker = requiredField(form, "worker", "which workers (all, a host or a worker)");
  return { worker };
}

function longRunning(w: WorkerInfo): boolean {
  const limit = Math.min(w.jobTimeoutSeconds ?? 900, 900) * 1000;
  return (w.job?.runningForMs ?? 0) > limit;
}

function staleHeartbeat(w: WorkerInfo): boolean {
  if (w.heartbeatAgeMs === undefined) return false;
  return w.heartbeatAgeMs > (w.heartbeatIntervalSeconds !== undefined ? w.heartbeatIntervalSeconds * 4000 + 1000 : 300_000);
}
