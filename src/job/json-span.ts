/**
 * Finds the exact text of a top-level member of a JSON object without re-encoding it, so a
 * payload embedded in a worker or failure entry can be put back on a queue byte for byte
 * (Ruby's dequeue matches bytes, and JavaScript would rewrite 1.0 as 1).
 */

/** Index just past the JSON value starting at `start` (which must not be whitespace). */
function valueEnd(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return stringEnd(text, start);
  if (first === "{" || first === "[") {
    let depth = 0;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (c === '"') {
        i = stringEnd(text, i) - 1;
      } else if (c === "{" || c === "[") {
        depth++;
      } else if (c === "}" || c === "]") {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return -1;
  }
  let i = start;
  while (i < text.length && !",}] \t\r\n".includes(text[i]!)) i++;
  return i;
}

function stringEnd(text: string, start: number): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === "\\") i++;
    else if (text[i] === '"') return i + 1;
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && " \t\r\n".includes(text[i]!)) i++;
  return i;
}

/**
 * Where the value of `object[member]` sits in the JSON object `text`, or undefined when `text` is
 * not an object or has no such member. Assumes `text` is valid JSON (it was parsed before).
 */
export function memberSpan(text: string, member: string): { start: number; end: number } | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== "{") return undefined;
  i = skipSpace(text, i + 1);
  while (i < text.length && text[i] !== "}") {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, keyEnd);
    if (text[i] !== ":") return undefined;
    i = skipSpace(text, i + 1);
    const end = valueEnd(text, i);
    if (end < 0) return undefined;
    if (key === member) return { start: i, end };
    i = skipSpace(text, end);
    if (text[i] === ",") i = skipSpace(text, i + 1);
  }
  return undefined;
}

/** The raw text of `object[member]` in the JSON object `text` (see memberSpan). */
export function rawMember(text: string, member: string): string | undefined {
  const span = memberSpan(text, member);
  return span && text.slice(span.start, span.end);
}

/** `text` with `member` set to the JSON `value`: replaced in place, or appended as the last member. */
export function withMember(text: string, member: string, value: string): string {
  const span = memberSpan(text, member);
  if (span) return text.slice(0, span.start) + value + text.slice(span.end);
  const close = text.lastIndexOf("}");
  const empty = /^\{\s*$/.test(text.slice(0, close));
  return `${text.slice(0, close)}${empty ? "" : ","}${JSON.stringify(member)}:${value}${text.slice(close)}`;
}
