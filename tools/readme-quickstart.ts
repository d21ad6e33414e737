/**
 * The README's Quickstart as data, for the checks that follow it (tools/pack-check.ts, and the
 * test that keeps the examples in step): the files it shows (a code block whose first line is a
 * comment naming the file) and the commands of its shell blocks, for the ES module app and for
 * the CommonJS one ("### CommonJS and plain JavaScript").
 */
export interface QuickstartApp {
  /** File name → content, in the order shown. */
  files: Map<string, string>;
  /** Commands of the first shell block (creating the app). */
  setup: string[];
  /** Commands of the block that runs it: long-running ones first, the last one runs to completion. */
  run: string[];
  /** Commands of the production block (compile, run). */
  production: string[];
}

interface Block {
  lang: string;
  body: string;
}

function blocks(section: string): Block[] {
  return [...section.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map((m) => ({ lang: m[1]!, body: m[2]! }));
}

function commands(body: string): string[] {
  return body
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function app(section: string): QuickstartApp {
  const files = new Map<string, string>();
  const shells: string[][] = [];
  for (const block of blocks(section)) {
    if (block.lang === "sh") {
      shells.push(commands(block.body));
      continue;
    }
    const name = /^(?:\/\/|#) ([\w.-]+\.(?:[cm]?[jt]s|ya?ml|json))\s*$/.exec(block.body.split("\n")[0] ?? "")?.[1];
    if (name) files.set(name, block.body);
  }
  const isRun = (cmds: string[]) => cmds.some((c) => /resque work/.test(c)) && cmds.some((c) => /resque-scheduler/.test(c));
  const run = shells.find(isRun) ?? [];
  return {
    files,
    setup: shells.find((cmds) => cmds.some((c) => c.startsWith("npm init"))) ?? [],
    run,
    production: shells.find((cmds) => cmds !== run && cmds.some((c) => /\btsc\b/.test(c)) && !cmds.some((c) => c.startsWith("npm init"))) ?? [],
  };
}

export function quickstart(readme: string): { esm: QuickstartApp; cjs: QuickstartApp } {
  const start = readme.indexOf("\n## Quickstart");
  if (start < 0) throw new Error("README.md has no ## Quickstart section");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const split = section.indexOf("\n### CommonJS");
  if (split < 0) throw new Error("README.md's Quickstart has no ### CommonJS section");
  return { esm: app(section.slice(0, split)), cjs: app(section.slice(split)) };
}
