/** The example's jobs. `resque-scheduler --require examples/scheduler/jobs.ts` loads them too. */
import { Job } from "resque-ts";

export class SendDigest extends Job<[string]> {
  static override queue = "mail";
  perform(period: string) {
    console.log(`[${new Date().toISOString()}] SendDigest(${period})`);
  }
}

export class Heartbeat extends Job<[{ from: string }]> {
  static override queue = "monitoring";
  perform(payload: { from: string }) {
    console.log(`[${new Date().toISOString()}] Heartbeat from ${payload.from}`);
  }
}

export class CleanupTmp extends Job<[]> {
  static override queue = "maintenance";
  perform() {
    console.log(`[${new Date().toISOString()}] CleanupTmp`);
  }
}
