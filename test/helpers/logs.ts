/** A pino logger whose lines a test can read, parsed. */
import { Writable } from "node:stream";
import { pino, type Level } from "pino";

export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export function capturedLogger(level: Level = "info"): { logger: ReturnType<typeof pino>; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split("\n").filter(Boolean)) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { logger: pino({ level }, stream), lines };
}
