/**
 * The built `resque` command on queues: queues, peek, show, edit, remove, move, clear — output,
 * --json shapes, exit codes and bad input (unknown queue, bad index, malformed JSON, empty
 * selector, unreachable Redis), against a private redis-server.
 */
import { chmodSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { buildCli, runCli, startCliOnTerminal } from "../helpers/built-cli.js";
import { useRedis } from "../helpers/resque.js";

const A = '{"class":"SendInvoice","args":[42]}';
const B = '{"class":"SendInvoice","args":[43,"x"]}';
const SPAM = '{"class":"Spam","args":[1.0]}';

describe("resque queue commands (built binary)", () => {
  const redis = useRedis();
  let cli: string;
  const resque = (args: string[], input = "", env: Record<string, string | undefined> = {}) => runCli(cli, args, { REDIS_URL: redis.server().url, ...env }, input);

  beforeAll(async () => {
    cli = await buildCli();
  }, 180_000);

  async function seed() {
    const client = redis.server().client();
    await client.sadd("resque:queues", "mail", "empty");
    await client.rpush("resque:queue:mail", A, B, "not json", SPAM);
    return client;
  }

  it("connect with Ruby Resque's host:port in --redis or REDIS_URL", async () => {
    await seed();
    const server = `127.0.0.1:${redis.server().port}`;
    for (const run of [await resque(["queues", "--redis", server]), await resque(["queues"], "", { REDIS_URL: `${server}:0` })]) {
      expect(run.stderr).toBe("");
      expect(run.stdout).toMatch(/^mail\s+4\s+0$/m);
    }
    const withNamespace = await resque(["queues", "--redis", `${server}/myapp`]);
    expect(withNamespace.code).not.toBe(0);
    expect(withNamespace.stderr).toContain("give the server as");
  });

  it("queues: sizes and workers, as plain columns when piped and as JSON", async () => {
    const client = await seed();
    const text = await resque(["queues"]);
    expect(text.code).toBe(0);
    expect(text.stdout.split("\n")[0]).toMatch(/^QUEUE\s+SIZE\s+WORKERS$/);
    expect(text.stdout).toMatch(/^mail\s+4\s+0$/m);
    expect(text.stdout).not.toContain("\u001b["); // no colours in a pipe
    const json = await resque(["queues", "--json"]);
    expect(JSON.parse(json.stdout)).toEqual({ queues: [{ name: "empty", size: 0, workers: 0 }, { name: "mail", size: 4, workers: 0 }] });
    await client.quit();
  });

  it("peek and show: jobs by position, with unreadable payloads marked; unknown queue and bad index", async () => {
    const client = await seed();
    const peek = await resque(["peek", "mail", "--start", "1", "--count", "2", "--json"]);
    expect(peek.code).toBe(0);
    const body = JSON.parse(peek.stdout);
    expect(body).toMatchObject({ queue: "mail", size: 4, start: 1 });
    expect(body.jobs[0]).toEqual({ queue: "mail", index: 1, class: "SendInvoice", args: [43, "x"], raw: B, error: null });
    expect(body.jobs[1]).toMatchObject({ index: 2, class: "", raw: "not json" });
    expect(body.jobs[1].error).toContain("not valid JSON");

    const show = await resque(["show", "mail", "3"]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("class:   Spam");
    expect(show.stdout).toContain(`payload: ${SPAM}`); // the exact bytes (1.0 stays 1.0)

    const unknown = await resque(["peek", "nope"]);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain('There is no queue "nope"; the queues are "empty", "mail".');
    const past = await resque(["show", "mail", "9"]);
    expect(past.code).toBe(3);
    expect(past.stderr).toContain('Queue "mail" has 4 jobs; there is no job at position 9 (0 to 3).');
    for (const bad of ["x", "-1", "1.5"]) {
      const result = await resque(["show", "mail", bad]);
      expect(result.code, bad).toBe(2);
      expect(result.stderr).toContain("must be a whole number of 0 or more");
    }
    expect((await resque(["peek", "mail", "--count", "0"])).code).toBe(2);
    await client.quit();
  });

  it("edit --args / --class rewrites the job in place in Ruby's format; malformed JSON changes nothing", async () => {
    const client = await seed();
    const edited = await resque(["edit", "mail", "1", "--args", '[43, "fixed"]', "--json"]);
    expect(edited.code).toBe(0);
    expect(JSON.parse(edited.stdout)).toEqual({
      changed: true,
      dryRun: false,
      job: { queue: "mail", index: 1, class: "SendInvoice", args: [43, "fixed"], raw: '{"class":"SendInvoice","args":[43,"fixed"]}', error: null },
    });
    expect((await resque(["edit", "mail", "0", "--class", "SendInvoiceV2"])).stdout).toBe('Changed job 0 of "mail" to SendInvoiceV2 [42].\n');
    const before = await client.lrange("resque:queue:mail", 0, -1);
    expect(before.slice(0, 2)).toEqual(['{"class":"SendInvoiceV2","args":[42]}', '{"class":"SendInvoice","args":[43,"fixed"]}']);

    for (const [args, message] of [
      [["edit", "mail", "0", "--args", "[1,"], "--args is not valid JSON"],
      [["edit", "mail", "0", "--args", '{"a":1}'], "--args must be a JSON array"],
      [["edit", "mail", "0", "--class", ""], "--class must not be empty"],
    ] as const) {
      const result = await resque([...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
    const dry = await resque(["edit", "mail", "0", "--args", "[7]", "--dry-run"]);
    expect(dry.stdout).toContain("Would change job 0 of \"mail\" from SendInvoiceV2 [42] to SendInvoiceV2 [7] (dry run: nothing changed).");
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(before);
    await client.quit();
  });

  it("edit opens $EDITOR on the job's JSON; what is saved is the edit, malformed text changes nothing", async () => {
    const client = await seed();
    const editor = join(tmpdir(), `resque-test-editor-${process.pid}.sh`);
    // An "editor" that replaces the file with the text in $NEW_TEXT.
    writeFileSync(editor, '#!/bin/sh\nprintf "%s" "$NEW_TEXT" > "$1"\n');
    chmodSync(editor, 0o755);
    const onTerminal = async (text: string) => {
      const run = startCliOnTerminal(cli, ["edit", "mail", "1"], { REDIS_URL: redis.server().url, EDITOR: editor, NEW_TEXT: text });
      return run.done;
    };
    const ok = await onTerminal('{ "class": "SendInvoice", "args": [43, "from the editor"] }');
    expect(ok.code, ok.stdout).toBe(0);
    expect(await client.lindex("resque:queue:mail", 1)).toBe('{"class":"SendInvoice","args":[43,"from the editor"]}');
    const broken = await onTerminal('{ "class": "SendInvoice", "args": [43');
    expect(broken.code).toBe(2);
    expect(broken.stdout).toContain("The edited job is not valid JSON");
    const extra = await onTerminal('{ "class": "X", "args": [], "queue": "q" }');
    expect(extra.code).toBe(2);
    expect(extra.stdout).toContain("keep only \"class\" and \"args\"");
    expect(await client.lindex("resque:queue:mail", 1)).toBe('{"class":"SendInvoice","args":[43,"from the editor"]}');
    // Without a terminal there is no editor to open.
    const piped = await resque(["edit", "mail", "1"], "", { EDITOR: editor });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toContain("No terminal for an editor");
    await client.quit();
  });

  it("edit refuses, changing nothing, when the job at that position is no longer the one read", async () => {
    const client = await seed();
    const editor = join(tmpdir(), `resque-test-editor-race-${process.pid}.sh`);
    // While the "editor" is open, a worker takes the first job: every job moves up one position.
    writeFileSync(editor, `#!/bin/sh\nredis-cli -p ${redis.server().port} lpop resque:queue:mail > /dev/null\nprintf '%s' '{"class":"SendInvoice","args":[0]}' > "$1"\n`);
    chmodSync(editor, 0o755);
    const run = startCliOnTerminal(cli, ["edit", "mail", "1"], { REDIS_URL: redis.server().url, EDITOR: editor });
    const result = await run.done;
    // The job read at position 1 is found at position 0 and edited there: it is still that job.
    expect(result.code, result.stdout).toBe(0);
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(['{"class":"SendInvoice","args":[0]}', "not json", SPAM]);

    writeFileSync(editor, `#!/bin/sh\nredis-cli -p ${redis.server().port} lpop resque:queue:mail > /dev/null\nprintf '%s' '{"class":"Spam","args":[2]}' > "$1"\n`);
    const gone = await startCliOnTerminal(cli, ["edit", "mail", "0"], { REDIS_URL: redis.server().url, EDITOR: editor }).done;
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain("JobChangedError");
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual(["not json", SPAM]);
    await client.quit();
  });

  it("remove: one job by position or many by filter; an empty or missing selector is a usage error", async () => {
    const client = await seed();
    for (const [args, message] of [
      [["remove", "mail", "--yes"], "Say which jobs to remove"],
      [["remove", "mail", "--class", "", "--yes"], "--class must not be empty"],
      [["remove", "mail", "--text", "  ", "--yes"], "--text must not be empty"],
      [["remove", "mail", "0", "--class", "Spam", "--yes"], "not both"],
      [["remove", "", "--class", "Spam", "--yes"], "The queue name must not be empty"],
    ] as const) {
      const result = await resque([...args]);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(message);
    }
    // Without a terminal to ask on, --yes is required; nothing is touched.
    const unasked = await resque(["remove", "mail", "--class", "SendInvoice"]);
    expect(unasked.code).toBe(2);
    expect(unasked.stderr).toContain("add --yes to go ahead, or --dry-run");
    expect(await client.llen("resque:queue:mail")).toBe(4);

    const dry = await resque(["remove", "mail", "--class", "SendInvoice", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.stdout)).toEqual({ dryRun: true, examined: 0, matched: 2, affected: 0, changedMeanwhile: 0, skipped: 0, aborted: false });
    expect((await resque(["remove", "mail", "--class", "SendInvoice", "--dry-run"])).stdout).toBe(
      'Will remove the jobs of queue "mail" with class "SendInvoice": 2 jobs of 4. (dry run: nothing changed)\n',
    );
    expect(await client.llen("resque:queue:mail")).toBe(4);

    const bulk = await resque(["remove", "mail", "--args-contains", "43", "--yes", "--json"]);
    expect(bulk.code).toBe(0);
    expect(JSON.parse(bulk.stdout)).toMatchObject({ dryRun: false, matched: 1, affected: 1, aborted: false });
    const one = await resque(["remove", "mail", "2", "--yes"]);
    expect(one.stdout).toBe("removed 1 job\n");
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual([A, "not json"]);
    const none = await resque(["remove", "mail", "--class", "Nobody", "--yes"]);
    expect(none.code).toBe(3);
    const noneDry = await resque(["remove", "mail", "--class", "Nobody", "--dry-run"]);
    expect(noneDry.code).toBe(3);
    await client.quit();
  });

  it("move: to the back of another queue with bytes kept; --to is required", async () => {
    const client = await seed();
    expect((await resque(["move", "mail", "0", "--yes"])).code).toBe(2);
    expect((await resque(["move", "mail", "0", "--to", "mail", "--yes"])).code).toBe(2);
    const moved = await resque(["move", "mail", "--class", "Spam", "--to", "slow", "--yes"]);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toBe("moved 1 job\n");
    expect(await client.lrange("resque:queue:slow", 0, -1)).toEqual([SPAM]);
    expect((await resque(["move", "mail", "0", "--to", "slow", "--yes"])).code).toBe(0);
    expect(await client.lrange("resque:queue:slow", 0, -1)).toEqual([SPAM, A]);
    expect(await client.lrange("resque:queue:mail", 0, -1)).toEqual([B, "not json"]);
    await client.quit();
  });

  it("clear asks on a terminal and does nothing unless the answer is yes; --delete forgets the queue", async () => {
    const client = await seed();
    const declined = startCliOnTerminal(cli, ["clear", "mail"], { REDIS_URL: redis.server().url });
    await declined.output("Proceed? [y/N]");
    expect(declined.stdout()).toContain('Will empty queue "mail": 4 jobs.');
    declined.write("n\r");
    const no = await declined.done;
    expect(no.code).toBe(1);
    expect(no.stdout).toContain("Nothing was changed.");
    expect(await client.llen("resque:queue:mail")).toBe(4);

    const accepted = startCliOnTerminal(cli, ["clear", "mail"], { REDIS_URL: redis.server().url });
    await accepted.output("Proceed? [y/N]");
    accepted.write("y\r");
    const yes = await accepted.done;
    expect(yes.code).toBe(0);
    expect(yes.stdout).toContain("dropped 4 jobs");
    expect(await client.llen("resque:queue:mail")).toBe(0);
    expect(await client.sismember("resque:queues", "mail")).toBe(1);

    expect((await resque(["clear", "empty", "--yes"])).code).toBe(3); // nothing to do
    expect((await resque(["clear", "empty", "--delete", "--yes"])).code).toBe(0);
    expect(await client.smembers("resque:queues")).toEqual(["mail"]);
    await client.quit();
  });

  it("on a terminal: a bordered table with colours, fitted to the width", async () => {
    const client = await seed();
    await client.rpush("resque:queue:mail", JSON.stringify({ class: "Long", args: ["x".repeat(400)] }));
    const run = startCliOnTerminal(cli, ["peek", "mail"], { REDIS_URL: redis.server().url });
    const result = await run.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("┌");
    expect(result.stdout).toContain("\u001b[1mINDEX"); // bold headers
    expect(result.stdout).toContain("…"); // the long arguments were cut to fit
    const rows = result.stdout.split("\r\n").filter((l) => l.startsWith("│"));
    expect(rows.length).toBeGreaterThan(1);
    // eslint-disable-next-line no-control-regex
    for (const line of rows) expect(line.replace(/\u001b\[[0-9;]*m/g, "").length).toBeLessThanOrEqual(160);
    await client.quit();
  });

  it("--help shows examples; an unknown subcommand or option is a usage error", async () => {
    const help = await resque(["remove", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Examples:");
    expect(help.stdout).toContain("$ resque remove mail --class Spam --yes");
    expect(help.stdout).toContain("--redis <url>");
    expect(help.stdout).toContain("-N, --namespace <namespace>");
    const unknown = await resque(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect((await resque(["peek", "mail", "--colour"])).code).toBe(2);
  });

  it("an unreachable Redis: a clear message within 10 s, a non-zero exit, nothing changed", async () => {
    const client = await seed();
    const result = await resque(["remove", "mail", "--class", "SendInvoice", "--yes"], "", { REDIS_URL: "redis://127.0.0.1:1" });
    expect(result.code).toBe(1);
    expect(result.ms).toBeLessThan(10_000);
    expect(result.stderr).toContain("RedisUnavailableError: Redis at redis://127.0.0.1:1 is unreachable");
    expect(result.stderr).toContain("Check the redis option or REDIS_URL");
    expect(await client.llen("resque:queue:mail")).toBe(4);
    // --connect-timeout shortens the wait.
    const quick = await resque(["queues", "--connect-timeout", "1", "--redis", "redis://127.0.0.1:1"]);
    expect(quick.code).toBe(1);
    expect(quick.stderr).toContain("gave up after 1 s");
    await client.quit();
  });

  it("--namespace / RESQUE_NAMESPACE pick the namespace", async () => {
    const client = redis.server().client();
    await client.sadd("other:queues", "q");
    await client.rpush("other:queue:q", A);
    expect(JSON.parse((await resque(["queues", "-N", "other", "--json"])).stdout).queues).toEqual([{ name: "q", size: 1, workers: 0 }]);
    expect(JSON.parse((await resque(["queues", "--json"], "", { RESQUE_NAMESPACE: "other" })).stdout).queues).toHaveLength(1);
    expect(JSON.parse((await resque(["queues", "--json"])).stdout).queues).toEqual([]);
    await client.quit();
  });
});
