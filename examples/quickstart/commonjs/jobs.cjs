// jobs.cjs
const { defineJob } = require("resque-ts");

exports.SendInvoice = defineJob(
  "SendInvoice",
  function (invoiceId) {
    const { attempt, logger } = this.context;
    if (attempt < 2) throw new Error(`mail server busy (attempt ${attempt})`);
    logger.info({ invoiceId, attempt }, "invoice sent");
  },
  { queue: "mail", retry: { backoff: [2, 10] } },
);
