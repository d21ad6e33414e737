// enqueue.cjs
const { Resque } = require("resque-ts");
const { SendInvoice } = require("./jobs.cjs");

async function main() {
  const resque = new Resque({ redis: process.env.REDIS_URL, jobs: [SendInvoice] });
  await resque.enqueue(SendInvoice, 42);
  await resque.close();
}
main();
