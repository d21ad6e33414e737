/**
 * A live system for dashboard tests: a worker running jobs that succeed, fail, wait for a retry
 * and run long; a queue nobody works; a delayed job and a dynamic schedule. XSS payloads sit in
 * job arguments and error messages.
 */
import { Job, type Resque, type ResqueOptions, type Worker } from "../../src/index.js";
import { collect } from "./events.js";

export const XSS_ARG = `<script>document.title="pwned"</script><img src=x onerror="document.title='pwned'">`;
export const XSS_ERROR = `<img src=x onerror="document.title='pwned'"> broke`;

export class Ok extends Job<[n: number]> {
  static override queue = "mail";
  override perform() {}
}
export class Boom extends Job<[text: string]> {
  static override queue = "mail";
  override perform(text: string) {
    throw new Error(`${XSS_ERROR} on ${text}`);
  }
}
export class Flaky extends Job<[n: number]> {
  static override queue = "mail";
  static override retry = { backoff: [3600] };
  override perform() {
    throw new Error("flaky service");
  }
}
/** Never ends (it ignores its signal), so a worker is busy while the test looks, and a kill requeues it. */
export class Slow extends Job<[]> {
  static override queue = "slow";
  override perform() {
    return new Promise<void>(() => {});
  }
}

export interface LiveSystem {
  resque: Resque;
  worker: Worker;
}

export async function startLiveSystem(make: (options?: ResqueOptions) => Resque, options: { slow?: boolean } = {}): Promise<LiveSystem> {
  const resque = make({ jobs: [Ok, Boom, Flaky, Slow] });
  const worker = resque.worker({ queues: ["mail", "slow"], concurrency: 2, interval: 0.1, shutdownTimeout: 0.2 });
  const recorded = collect(worker, "job:recorded", 4);
  await worker.start();
  await resque.enqueue(Ok, 1);
  await resque.enqueue(Ok, 2);
  await resque.enqueue(Boom, XSS_ARG);
  await resque.enqueue(Flaky, 7);
  await recorded;
  if (options.slow) {
    const started = collect(worker, "job:start", 1);
    await resque.enqueue(Slow);
    await started;
  }
  // A queue nobody works, with jobs to page through and edit.
  for (let i = 0; i < 3; i++) await resque.enqueueTo("pending", Ok, i);
  await resque.enqueueTo("pending", "Report", XSS_ARG);
  await resque.enqueueIn(3600, Ok, 99);
  await resque.admin.schedules.set("nightly", { cron: "30 2 * * *", class: "Ok", queue: "mail", args: [5] });
  return { resque, worker };
}
