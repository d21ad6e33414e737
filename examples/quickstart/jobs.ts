// jobs.ts
import { Job, retry } from "resque-ts";

// Fails twice, then succeeds: retried 2 s after the first failure, 10 s after the second.
@retry({ backoff: [2, 10] })
export class SendInvoice extends Job<[invoiceId: number]> {
  static queue = "mail";
  perform(invoiceId: number) {
    const { attempt, logger } = this.context;
    if (attempt < 2) throw new Error(`mail server busy (attempt ${attempt})`);
    logger.info({ invoiceId, attempt }, "invoice sent");
  }
}

export class NightlyReport extends Job<[]> {
  static queue = "reports";
  perform() {
    this.context.logger.info("report built");
  }
}
