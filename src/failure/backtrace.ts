/**
 * Backtraces for failure entries: the job's own frames, like Ruby Resque keeps the frames above
 * its job.rb. Frames from the worker that called perform or a hook (marked by the functions
 * named below) and Node's internals are dropped.
 */

/** The name of the function through which every perform is called; frames below it are ours. */
export const PERFORM_FRAME = "resqueTsRunJob";
/** The name of the function through which every hook is called. */
export const HOOK_FRAME = "resqueTsRunHook";

export function backtraceOf(error: unknown): string[] {
  if (!(error instanceof Error) || typeof error.stack !== "string") return [];
  const frames: string[] = [];
  for (const line of error.stack.split("\n")) {
    const frame = line.trim();
    if (!frame.startsWith("at ")) continue;
    if (frame.includes(PERFORM_FRAME) || frame.includes(HOOK_FRAME)) break;
    if (frame.includes("node:internal") || frame.includes("(<anonymous>)")) continue;
    frames.push(frame);
  }
  return frames;
}

/** The exception class name Resque records ("exception"). */
export function exceptionName(error: unknown): string {
  if (error instanceof Error) return error.name && error.name !== "Error" ? error.name : error.constructor?.name || "Error";
  return "Error";
}

/** The message Resque records ("error"). */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}
