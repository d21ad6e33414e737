/**
 * Which queues a worker takes from, in priority order, with Ruby Resque's rules: plain names are
 * used as given; when any entry is a glob (`*?[]{}`) or an exclusion (`!name`), every entry is
 * matched (File.fnmatch, no flags) against the known queues, each entry's matches sorted, then
 * concatenated without duplicates and without excluded names.
 */
import { ConfigurationError } from "../errors.js";
import { shownValue } from "../option-checks.js";
import type { QueueSelection } from "../redis/stores/worker-store.js";

export interface ParsedQueues {
  /** The entries as configured (what the worker id shows: globs kept, exclusions dropped). */
  entries: string[];
  selection: QueueSelection;
  /** Whether a queue name is one this worker takes from (for wake-ups). */
  matches(queue: string): boolean;
}

const GLOB_CHARS = /[*?{}[\]]/;

/** Splits "critical, mail_*" or a list into entries; throws on an empty list. */
export function queueEntries(input: string | readonly string[]): string[] {
  if (typeof input !== "string" && !(Array.isArray(input) && input.every((q) => typeof q === "string"))) {
    throw new ConfigurationError(`queues must be a string ("a,b") or an array of queue names, got ${shownValue(input)}.`);
  }
  const raw = typeof input === "string" ? input.split(",") : input.flatMap((q) => q.split(","));
  const entries = raw.map((q) => q.trim()).filter((q) => q !== "");
  if (entries.length === 0) {
    throw new ConfigurationError('No queues given; pass queues: ["name", ...] (or QUEUE=name), or "*" for all queues.');
  }
  for (const entry of entries) {
    if (entry.includes(":")) {
      throw new ConfigurationError(`Queue name "${entry}" contains ":", which Resque worker ids cannot carry.`);
    }
  }
  return entries;
}

interface Token {
  lua: string;
  js: string;
}

/** One glob character at a time, as File.fnmatch reads it. */
function tokens(glob: string): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") out.push({ lua: ".*", js: "[\\s\\S]*" });
    else if (c === "?") out.push({ lua: ".", js: "[\\s\\S]" });
    else if (c === "[") {
      let j = i + 1;
      const negate = glob[j] === "!" || glob[j] === "^";
      if (negate) j++;
      const start = j;
      if (glob[j] === "]") j++; // a leading "]" is a member, not the end
      while (j < glob.length && glob[j] !== "]") j++;
      if (j >= glob.length) {
        out.push(literal(c));
        continue;
      }
      const members = glob.slice(start, j);
      const luaMembers = members.replace(/[%\]]/g, (m) => `%${m}`);
      const jsMembers = members.replace(/[\\\]^]/g, (m) => `\\${m}`);
      out.push({ lua: `[${negate ? "^" : ""}${luaMembers}]`, js: `[${negate ? "^" : ""}${jsMembers}]` });
      i = j;
    } else if (c === "\\" && i + 1 < glob.length) {
      out.push(literal(glob[++i]!));
    } else {
      out.push(literal(c));
    }
  }
  return out;
}

function literal(c: string): Token {
  return { lua: /[\^$()%.[\]*+\-?]/.test(c) ? `%${c}` : c, js: c.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&") };
}

function compile(glob: string): { luaPattern: string; regex: RegExp } {
  const parts = tokens(glob);
  return {
    luaPattern: `^${parts.map((t) => t.lua).join("")}$`,
    regex: new RegExp(`^${parts.map((t) => t.js).join("")}$`),
  };
}

export function parseQueues(input: string | readonly string[]): ParsedQueues {
  const all = queueEntries(input);
  const entries = all.filter((q) => !q.startsWith("!"));
  const globbing = all.some((q) => q.startsWith("!") || GLOB_CHARS.test(q));
  if (!globbing) {
    const set = new Set(entries);
    return { entries, selection: { kind: "literal", queues: entries }, matches: (q) => set.has(q) };
  }
  const compiled = all.map((q) => ({ include: !q.startsWith("!"), ...compile(q.startsWith("!") ? q.slice(1) : q) }));
  return {
    entries,
    selection: { kind: "patterns", patterns: compiled.map(({ include, luaPattern }) => ({ include, luaPattern })) },
    matches: (q) => compiled.some((c) => c.include && c.regex.test(q)) && !compiled.some((c) => !c.include && c.regex.test(q)),
  };
}
