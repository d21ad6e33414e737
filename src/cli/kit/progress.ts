/**
 * Long bulk changes: a progress bar on a terminal (stderr), and Ctrl-C that stops the change
 * between two chunks (the admin API's AbortSignal) so the command can report what was done. A
 * second Ctrl-C exits at once.
 */
import cliProgress from "cli-progress";
import type { BulkOptions } from "../../admin/bulk.js";
import { EXIT } from "./exit-codes.js";

export interface ProgressOptions {
  /** Shown before the bar: "retrying". */
  label: string;
  /** Show a bar (a terminal on stderr and not --json). */
  show: boolean;
}

/** Runs `work` with an AbortSignal wired to Ctrl-C and a progress bar fed by onProgress. */
export async function withProgress<T>(options: ProgressOptions, work: (bulk: Required<Pick<BulkOptions, "signal" | "onProgress">>) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => {
    if (controller.signal.aborted) {
      process.stderr.write("\nstopped at once\n");
      process.exit(EXIT.interrupted);
    }
    controller.abort();
    process.stderr.write("\nstopping after the current chunk (Ctrl-C again to quit at once)...\n");
  };
  process.on("SIGINT", onSigint);
  const bar = options.show && process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: `${options.label} [{bar}] {percentage}% | {value}/{total}`, stream: process.stderr, hideCursor: true, clearOnComplete: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  try {
    return await work({
      signal: controller.signal,
      onProgress: (done, total) => {
        if (!bar) return;
        if (!started) {
          bar.start(total, done);
          started = true;
        } else {
          bar.setTotal(total);
          bar.update(done);
        }
      },
    });
  } finally {
    if (started) bar?.stop();
    process.off("SIGINT", onSigint);
  }
}
