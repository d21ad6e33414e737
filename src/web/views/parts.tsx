/** Small pieces every page uses: times, durations, job arguments, paging, action forms. */
import type { Child } from "hono/jsx";
import { CSRF_FIELD } from "../security/csrf.js";
import type { PageState } from "../context.js";

/** "3 min ago" / "in 2 h", relative to `now` (Redis' clock where known), with the exact time as a tooltip. */
export function Time(props: { date: Date | undefined; now: number }) {
  const { date } = props;
  if (date === undefined || !Number.isFinite(date.getTime())) return <span class="muted">—</span>;
  const ms = date.getTime() - props.now;
  const iso = date.toISOString();
  return (
    <time datetime={iso} title={iso.replace("T", " ").replace(/\.\d+Z$/, " UTC")}>
      {ms > 0 ? `in ${duration(ms)}` : `${duration(-ms)} ago`}
    </time>
  );
}

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 1) return `${Math.max(0, Math.round(ms))} ms`;
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) return `${Math.round(s / 360) / 10} h`;
  return `${Math.round(s / 8640) / 10} d`;
}

/** A job's arguments as JSON, cut to `max` characters (the full text in the payload view). */
export function Args(props: { args: readonly unknown[]; max?: number }) {
  const text = jsonText(props.args);
  const max = props.max ?? 160;
  return <code class="args">{text.length > max ? `${text.slice(0, max)}…` : text}</code>;
}

export function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function number(n: number): string {
  return n.toLocaleString("en-US");
}

/** Previous / next links for a list read `count` at a time from `start`. */
export function Pager(props: { link: (start: number) => string; start: number; count: number; total: number | undefined; shown: number }) {
  const { start, count, total, shown } = props;
  const hasPrevious = start > 0;
  const hasNext = total === undefined ? shown >= count : start + count < total;
  if (!hasPrevious && !hasNext) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {hasPrevious ? <a href={props.link(Math.max(0, start - count))}>← Previous</a> : <span />}
      <span class="muted">
        {shown === 0 ? "none" : `${number(start + 1)}–${number(start + shown)}`}
        {total === undefined ? "" : ` of ${number(total)}`}
      </span>
      {hasNext ? <a href={props.link(start + count)}>Next →</a> : <span />}
    </nav>
  );
}

/** The hidden fields every state-changing form carries. */
export function FormGuard(props: { page: PageState }) {
  return (
    <>
      <input type="hidden" name={CSRF_FIELD} value={props.page.token} />
      <input type="hidden" name="return" value={props.page.here} />
    </>
  );
}

/**
 * A one-button form that POSTs an action. `confirm` asks first (a dialog with script; without
 * script the server shows a confirmation page). Nothing is shown in read-only mode.
 */
export function Action(props: {
  page: PageState;
  action: string;
  label: string;
  fields?: Record<string, string | number | undefined>;
  confirm?: string;
  kind?: "danger" | "primary" | "plain";
  title?: string;
}) {
  if (props.page.readOnly) return null;
  return (
    <form method="post" action={props.action} class="inline" data-confirm={props.confirm}>
      <FormGuard page={props.page} />
      {Object.entries(props.fields ?? {}).map(([name, value]) => (value === undefined ? null : <input type="hidden" name={name} value={String(value)} />))}
      <button type="submit" class={props.kind ?? "plain"} title={props.title}>
        {props.label}
      </button>
    </form>
  );
}

export function Empty(props: { children?: Child }) {
  return <p class="empty">{props.children}</p>;
}

/** A table that scrolls sideways on narrow screens instead of squeezing its columns. */
export function Table(props: { children?: Child; class?: string }) {
  return (
    <div class="table-wrap">
      <table class={props.class}>{props.children}</table>
    </div>
  );
}
