/** A real SMTP server (smtp-server) on 127.0.0.1 that keeps the messages it receives, for email tests. */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";

export interface ReceivedMail {
  from: string;
  to: string[];
  /** The raw message (headers and body). */
  raw: string;
  subject: string;
  user: string | undefined;
}

export interface SmtpReceiver {
  port: number;
  /** `smtp://user:secret@127.0.0.1:<port>`. */
  url: string;
  messages: ReceivedMail[];
  /** Resolves once `count` messages have been received in all. */
  received(count: number): Promise<ReceivedMail[]>;
  /** Set to answer the next messages with this SMTP error code (e.g. 451, 550); undefined accepts. */
  rejectWith: number | undefined;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: ReceivedMail[] = [];
  const waiters: { count: number; resolve: (m: ReceivedMail[]) => void }[] = [];
  const receiver: SmtpReceiver = {
    port: 0,
    url: "",
    messages,
    rejectWith: undefined,
    received(count) {
      if (messages.length >= count) return Promise.resolve(messages.slice(0, count));
      return new Promise((resolve) => waiters.push({ count, resolve }));
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    // Plain SMTP on loopback: no STARTTLS (its certificate would be self-signed), login allowed without TLS.
    disabledCommands: ["STARTTLS"],
    allowInsecureAuth: true,
    authOptional: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === "user" && auth.password === "secret") return callback(null, { user: auth.username });
      return callback(new Error("bad credentials"));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (receiver.rejectWith !== undefined) {
          const error = Object.assign(new Error("rejected by the test"), { responseCode: receiver.rejectWith });
          return callback(error);
        }
        const raw = Buffer.concat(chunks).toString("utf8");
        const subject = decodeWords(/^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, " ") ?? "");
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          subject,
          user: typeof session.user === "string" ? session.user : undefined,
        });
        for (const waiter of waiters.filter((w) => messages.length >= w.count)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(messages.slice(0, waiter.count));
        }
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  receiver.port = (server.server.address() as AddressInfo).port;
  receiver.url = `smtp://user:secret@127.0.0.1:${receiver.port}`;
  return receiver;
}

/** Decodes RFC 2047 encoded words (=?UTF-8?Q?…?= and =?UTF-8?B?…?=); whitespace between two of them is dropped. */
function decodeWords(header: string): string {
  return header
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, encoding: string, text: string) =>
      encoding.toUpperCase() === "B"
        ? Buffer.from(text, "base64").toString("utf8")
        : Buffer.from(text.replace(/_/g, " ").replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), "latin1").toString("utf8"),
    );
}
