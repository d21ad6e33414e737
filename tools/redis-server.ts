/**
 * Starts a private redis-server (never the shared one on 6379) for tests, benchmarks and the demo: a free port,
 * no persistence unless asked, its own directory. Tests can stop, kill and restart it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface RedisServerOptions {
  /** Extra redis-server arguments, e.g. ["--appendonly", "yes"]. */
  args?: string[];
  /** Writes a config file into the server's directory and returns its path (passed first). */
  config?: (dir: string) => string;
  /** false for processes that reject persistence flags (sentinels). Default true. */
  persistence?: boolean;
  /** The log line that says the server is up (sentinels print no "Ready to accept connections"). */
  readyLine?: RegExp;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export class RedisServer {
  readonly dir: string;
  port = 0;
  #process: ChildProcess | undefined;
  #configFile: string | undefined;

  private constructor(private readonly options: RedisServerOptions) {
    this.dir = mkdtempSync(join(tmpdir(), "resque-ts-redis-"));
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(options);
    for (let attempt = 0; ; attempt++) {
      try {
        server.port = await freePort();
        await server.#launch();
        return server;
      } catch (error) {
        if (attempt >= 5) throw error;
      }
    }
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** A plain client for assertions (no namespace, no auto-pipelining). */
  client(): Redis {
    const client = new Redis(this.port, "127.0.0.1", { maxRetriesPerRequest: 1, lazyConnect: false });
    client.on("error", () => {}); // a test may stop the server under it
    return client;
  }

  async #launch(): Promise<void> {
    const config = this.options.config ? [(this.#configFile ??= this.options.config(this.dir))] : [];
    const persistence = this.options.persistence === false ? [] : ["--save", "", "--appendonly", "no"];
    const args = [
      ...config,
      "--port", String(this.port),
      "--bind", "127.0.0.1",
      ...persistence,
      "--dir", this.dir,
      "--daemonize", "no",
      "--logfile", "",
      ...(this.options.args ?? []),
    ];
    const child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    this.#process = child;
    await new Promise<void>((resolve, reject) => {
      let output = "";
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if ((this.options.readyLine ?? /Ready to accept connections/).test(output)) {
          child.stdout?.off("data", onData);
          child.stdout?.resume();
          resolve();
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.once("exit", (code) => reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)));
      child.once("error", (error) =>
        reject(new Error(`cannot start redis-server (${error.message}); install it with: apt-get install -y redis-server`)),
      );
    });
  }

  /** Stops the server (SIGTERM: with AOF on, pending writes are flushed). */
  stop(): Promise<void> {
    return this.#end("SIGTERM");
  }

  /** Kills the server without letting it save anything. */
  kill(): Promise<void> {
    return this.#end("SIGKILL");
  }

  async #end(signal: NodeJS.Signals): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill(signal);
    });
  }

  /** Starts the server again on the same port and directory. */
  async restart(): Promise<void> {
    await this.stop();
    await this.#launch();
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
