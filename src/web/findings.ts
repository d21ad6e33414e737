/** The overview's attention list: the monitor's checks over the overview, each linked to the page that fixes it. */
import type { Overview } from "../admin/overview.js";
import { evaluateChecks, type Finding, type FindingLink } from "../monitor/checks.js";
import { href, segment, type PageState } from "./context.js";
import type { ResolvedOptions } from "./options.js";

/**
 * The checks over the overview, plus the alerts a monitor keeps firing in this Redis that the
 * checks cannot see from one overview (a queue growing for minutes, a recurring schedule that
 * missed its run, ...), most severe first.
 */
export function findingsOf(overview: Overview, options: ResolvedOptions): Finding[] {
  const findings = evaluateChecks(overview, options.checks);
  const seen = new Set(findings.map((f) => `${f.check}|${f.subject}`));
  for (const alert of overview.alerts) {
    const f = alert.finding;
    if (seen.has(`${f.check}|${f.subject}`)) continue;
    const link = f.link && f.link.page in FIX_LABEL ? (f.link as FindingLink) : { page: "stats" as const };
    findings.push({ ...(f as Finding), link });
  }
  return findings.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === "critical" ? -1 : 1));
}

/** Where a finding is fixed, under the instance's base. */
export function findingHref(page: Pick<PageState, "base">, link: FindingLink): string {
  switch (link.page) {
    case "queues":
      return link.queue === undefined ? href(page, "/queues") : href(page, `/queues/${segment(link.queue)}`);
    case "workers":
      return href(page, "/workers", { worker: link.worker });
    case "working":
      return href(page, "/working", { worker: link.worker });
    case "redis":
      return href(page, "/stats");
    default:
      return href(page, `/${link.page}`);
  }
}

export const FIX_LABEL: Record<FindingLink["page"], string> = {
  failed: "Review failed jobs",
  queues: "Open the queue",
  workers: "See the worker",
  working: "See the job",
  delayed: "See delayed jobs",
  schedule: "See schedules",
  stats: "See Redis",
  redis: "See Redis",
};
