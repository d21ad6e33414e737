/**
 * Read-merge-write of one status with compare-and-set (status-write.lua): a writer merges its
 * update into the value it read and writes only if that value is still there, else reads again.
 * Kills and the running job thus never overwrite each other's update unseen.
 */
import type { StatusStore, StatusWriteResult } from "../../redis/stores/status-store.js";
import { mergeStatus, parseStatusFields, type StatusFields } from "./status-record.js";

export interface StatusWriteOptions {
  expireIn: number;
  /** Refuse (and return "killed") when the job is on the kill list. */
  refuseIfKilled?: boolean;
  clearKill?: boolean;
  /** Only write when `accept(current fields)` holds; returns "skipped" otherwise. */
  accept?: (current: StatusFields, raw: string | null) => boolean;
}

/** Attempts before giving up on a status another writer keeps changing. */
const ATTEMPTS = 10;

export async function updateStatus(
  store: StatusStore,
  uuid: string,
  updates: (current: StatusFields) => StatusFields,
  options: StatusWriteOptions,
): Promise<StatusWriteResult | "skipped"> {
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const raw = await store.get(uuid);
    const current = parseStatusFields(raw);
    if (options.accept && !options.accept(current, raw)) return "skipped";
    const result = await store.write({
      uuid,
      expected: raw ?? "",
      value: mergeStatus(current, updates(current)),
      expireIn: options.expireIn,
      refuseIfKilled: options.refuseIfKilled,
      clearKill: options.clearKill,
    });
    if (result !== "changed") return result;
  }
  return "changed";
}
