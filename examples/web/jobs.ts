/** The job the web examples enqueue from a route. */
import { Job, retry } from "resque-ts";

@retry({ backoff: [10, 60, 600] })
export class SendInvoice extends Job<[invoiceId: number]> {
  static override queue = "mail";
  perform(invoiceId: number) {
    this.context.logger.info({ invoiceId }, "invoice sent");
  }
}
