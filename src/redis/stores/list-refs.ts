/**
 * List items named by position and content, as the scripts that change them one by one expect
 * (see scripts/includes/list-refs.lua): a caller reads items, picks some, and the script finds
 * each again even if the list shifted a little meanwhile.
 */
import { randomUUID } from "node:crypto";

/** A list item as a caller read it: its position (negative = from the tail) and exact bytes. */
export interface ListRef {
  index: number;
  raw: string;
}

/** How far (in positions) an item may have moved since it was read and still be found. */
export const REF_WINDOW = 1000;

/** A value no real item has, marking items while one script call removes them. */
export function sentinel(): string {
  return `resque-ts:removing:${randomUUID()}`;
}

export function flatRefs(refs: readonly ListRef[]): (string | number)[] {
  const flat: (string | number)[] = [];
  for (const ref of refs) flat.push(ref.index, ref.raw);
  return flat;
}
