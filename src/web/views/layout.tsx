/** The page frame: header with the instance's tabs, flash message, content, and the asset files. */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { assetPath } from "../assets.js";
import { href, type PageState } from "../context.js";

export type Tab = "overview" | "queues" | "working" | "workers" | "failed" | "delayed" | "schedule" | "retry" | "stats" | "plugins" | "search";

const TABS: { tab: Tab; label: string; path: string; live?: string }[] = [
  { tab: "overview", label: "Overview", path: "/" },
  { tab: "queues", label: "Queues", path: "/queues", live: "queued" },
  { tab: "working", label: "Working", path: "/working", live: "working" },
  { tab: "workers", label: "Workers", path: "/workers", live: "workers" },
  { tab: "failed", label: "Failed", path: "/failed", live: "failed" },
  { tab: "delayed", label: "Delayed", path: "/delayed", live: "delayed" },
  { tab: "schedule", label: "Schedule", path: "/schedule" },
  { tab: "retry", label: "Retry", path: "/retry" },
  { tab: "stats", label: "Stats", path: "/stats" },
  { tab: "plugins", label: "Plugins", path: "/plugins" },
];

export function Layout(props: { page: PageState; title: string; tab?: Tab; children?: Child; status?: string }) {
  const { page } = props;
  const { options, instance } = page;
  const liveUrl = options.refreshSeconds > 0 ? `${page.base}/live.json` : undefined;
  const several = options.instances.length > 1;
  return (
    <>
    {raw("<!DOCTYPE html>")}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="referrer" content="same-origin" />
        <title>{`${props.title} · ${instance && several ? `${instance.name} · ` : ""}${options.title}`}</title>
        <link rel="stylesheet" href={`${page.root}${assetPath("dashboard.css")}`} />
        <script src={`${page.root}${assetPath("dashboard.js")}`} defer></script>
      </head>
      <body data-live-url={liveUrl} data-refresh-seconds={String(options.refreshSeconds)} data-csrf={page.token}>
        <header class="top">
          <a class="brand" href={`${page.root}/`}>
            {options.title}
          </a>
          {instance && several ? (
            <a class="instance" href={`${page.base}/`}>
              {instance.name}
            </a>
          ) : null}
          {page.readOnly ? <span class="badge read-only">read-only</span> : null}
          {instance ? (
            <form class="search" method="get" action={`${page.base}/search`} role="search">
              <input type="search" name="q" placeholder="Search jobs" aria-label="Search jobs in queues, failed and delayed" />
            </form>
          ) : null}
        </header>
        {instance ? (
          <nav class="tabs" aria-label="Sections">
            {TABS.map((t) => (
              <a href={href(page, t.path)} class={t.tab === props.tab ? "active" : undefined} aria-current={t.tab === props.tab ? "page" : undefined}>
                {t.label}
                {t.live ? <span class="count" data-live={t.live}></span> : null}
              </a>
            ))}
          </nav>
        ) : null}
        <main>
          {page.flash ? (
            <p class={`flash ${page.flash.kind}`} role={page.flash.kind === "error" ? "alert" : "status"}>
              {page.flash.text}
            </p>
          ) : null}
          {props.children}
        </main>
        <footer>
          <span class="live-state" data-live-state></span>
        </footer>
      </body>
    </html>
    </>
  );
}
