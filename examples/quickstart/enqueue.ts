// enqueue.ts
import { Resque } from "resque-ts";
import { SendInvoice } from "./jobs.js";

const resque = new Resque({ redis: process.env.REDIS_URL, jobs: [SendInvoice] });
await resque.enqueue(SendInvoice, 42); // type-checked: SendInvoice takes one number
await resque.close();
