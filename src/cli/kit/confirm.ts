/**
 * Destructive commands say what they will touch, then ask. `--yes` skips the question,
 * `--dry-run` stops after saying it. Without a terminal to ask on, `--yes` is required: a script
 * never changes data by accident.
 */
import { createInterface } from "node:readline";
import type { Command } from "commander";
import { DeclinedError, UsageError } from "./exit-codes.js";

export interface ConfirmOptions {
  yes?: boolean;
  dryRun?: boolean;
}

/** Adds --yes and --dry-run. */
export function addConfirmOptions(command: Command): Command {
  return command.option("-y, --yes", "do it without asking").option("--dry-run", "only show what would be changed");
}

/** Throws UsageError when the change needs a confirmation and there is no terminal to ask on. */
export function assertCanConfirm(options: ConfirmOptions, input: NodeJS.ReadStream = process.stdin): void {
  if (options.yes || input.isTTY) return;
  throw new UsageError("This changes data and there is no terminal to ask on: add --yes to go ahead, or --dry-run to see what it would touch.");
}

/**
 * Asks "Proceed? [y/N]" on the terminal unless `--yes`. Throws DeclinedError (nothing changed) on
 * anything but yes, and UsageError when there is no terminal to ask on.
 */
export async function confirm(options: ConfirmOptions, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<void> {
  if (options.yes) return;
  assertCanConfirm(options, input);
  const answer = await new Promise<string>((resolve) => {
    const rl = createInterface({ input, output });
    let typed: string | undefined;
    rl.on("SIGINT", () => rl.close()); // Ctrl-C at the question means no
    rl.on("close", () => {
      if (typed === undefined) output.write("\n");
      resolve(typed ?? "");
    });
    rl.question("Proceed? [y/N] ", (text) => {
      typed = text;
      rl.close();
    });
  });
  if (!/^y(es)?$/i.test(answer.trim())) throw new DeclinedError("Nothing was changed.");
}
