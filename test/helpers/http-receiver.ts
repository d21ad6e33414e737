/**
 * A real HTTP server on 127.0.0.1 that records what it receives, for webhook tests. Each request
 * is answered by `respond` (default 200), which may wait on the test before answering.
 */
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json(): any;
}

export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  /** Resolves once `count` requests have been received in all. */
  received(count: number): Promise<ReceivedRequest[]>;
  /** How to answer the n-th request (0-based): a status code, or a promise of one. */
  respond: (request: ReceivedRequest, n: number) => number | Promise<number>;
  close(): Promise<void>;
}

export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const waiters: { count: number; resolve: (r: ReceivedRequest[]) => void }[] = [];
  const receiver: HttpReceiver = {
    url: "",
    requests,
    respond: () => 200,
    received(count) {
      if (requests.length >= count) return Promise.resolve(requests.slice(0, count));
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const request: ReceivedRequest = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json: () => JSON.parse(body) };
      const n = requests.length;
      requests.push(request);
      for (const waiter of waiters.filter((w) => requests.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(requests.slice(0, waiter.count));
      }
      const status = await receiver.respond(request, n);
      res.statusCode = status;
      res.end(status < 300 ? "ok" : "no");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
