/**
 * List items named by position and content, as the scripts that change them one by one expect
 * (see scripts/includes/list-refs.lua): a caller reads items, picks some, and the script finds
 * each again even if the list shifted a little meanwhile.
 */
import { randomUUID } from "node:crypto";
import type { RedisClient } from "../connection.js";
import { runScript } from "../scripts/load.js";

/** A list item as a caller read it: its position and exact bytes. */
export interface ListRef {
  /** Position from the head when read (0 = first). */
  index: number;
  raw: string;
  /** Its distance from the tail when read (1 = last), when the reader knew the list's length. */
  fromTail?: number;
}

/** A reference as the scripts take it: "<index>" or "<index>:<distance from the tail>". */
export function refText(ref: ListRef): string {
  return ref.fromTail === undefined ? String(ref.index) : `${ref.index}:${ref.fromTail}`;
}

/**
 * How far (in positions) an item may have moved since it was read and still be found. One item
 * changed by a person may have been read minutes ago; a chunk of a bulk walk was read
 * milliseconds ago, and a smaller window keeps each of its calls short.
 */
export const REF_WINDOW = 1000;
export const BULK_REF_WINDOW = 200;

/** The window for a change to these items: one item, or a chunk of a bulk walk. */
export function windowFor(refs: readonly unknown[]): number {
  return refs.length > 1 ? BULK_REF_WINDOW : REF_WINDOW;
}

/** A value no real item has, marking items while one script call removes them. */
export function sentinel(): string {
  return `resque-ts:removing:${randomUUID()}`;
}

export function flatRefs(refs: readonly ListRef[]): (string | number)[] {
  const flat: (string | number)[] = [];
  for (const ref of refs) flat.push(refText(ref), ref.raw);
  return flat;
}

/** Items of a list after `anchor` (an item read earlier), or from the head when there is none. */
export interface ListChunk {
  /** Position of items[0] now. */
  start: number;
  /** The list's length when read. */
  length: number;
  items: string[];
}

/** Reads the next items after an anchor, wherever it moved (see read-list-after.lua). */
export async function readAfter(client: RedisClient, key: string, anchor: ListRef | undefined, count: number): Promise<ListChunk> {
  const reply = (await runScript(client, "readListAfter", [key], [anchor?.index ?? -1, anchor?.raw ?? "", BULK_REF_WINDOW, count])) as [number, number, ...string[]];
  const [start, length, ...items] = reply;
  return { start: Number(start), length: Number(length), items };
}
