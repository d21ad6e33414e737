/**
 * What a command prints: a table with colours for a person at a terminal, the same columns as
 * plain text when stdout is a pipe or a file, or one JSON document with `--json`. Notes and
 * progress go to stderr, so stdout holds only the answer.
 */
import picocolors from "picocolors";
import Table from "cli-table3";

export type Colors = ReturnType<typeof picocolors.createColors>;

export interface Column {
  header: string;
  /** Right-aligned (numbers). */
  right?: boolean;
  /** May be shortened to fit the terminal's width (the widest text column, e.g. args). */
  shrink?: boolean;
}

/** Whether to colour stdout: FORCE_COLOR and NO_COLOR win, else a terminal that is not "dumb". */
export function colorsWanted(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return Boolean(stream.isTTY) && env.TERM !== "dumb";
}

export class Output {
  readonly c: Colors;
  readonly #tty: boolean;

  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {
    this.#tty = Boolean(stdout.isTTY);
    this.c = picocolors.createColors(!json && colorsWanted(stdout));
  }

  /** Whether stdout is a terminal (tables with borders) rather than a pipe (plain columns). */
  get tty(): boolean {
    return this.#tty;
  }

  /** A line on stdout. */
  line(text = ""): void {
    this.stdout.write(`${text}\n`);
  }

  /** A note for the person on stderr (what is about to happen, what was done), never part of the answer. */
  note(text: string): void {
    this.stderr.write(`${text}\n`);
  }

  /** The answer of a `--json` command: one document on stdout. */
  data(value: unknown): void {
    this.stdout.write(`${JSON.stringify(value, jsonValue, 2)}\n`);
  }

  /** Rows under headers: bordered and fitted to the terminal, or plain aligned columns when piped. */
  table(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    if (this.#tty) this.#bordered(columns, rows);
    else this.#plain(columns, rows);
  }

  /** `label: value` pairs, aligned. */
  fields(pairs: readonly (readonly [string, string])[]): void {
    const width = Math.max(0, ...pairs.map(([label]) => label.length)) + 1;
    for (const [label, value] of pairs) this.line(`${this.c.bold(`${label}:`.padEnd(width))} ${value}`);
  }

  #plain(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    const widths = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => (row[i] ?? "").length)));
    const render = (cells: readonly string[]) =>
      cells
        .map((cell, i) => (i === cells.length - 1 && !columns[i]!.right ? cell : columns[i]!.right ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
        .join("  ")
        .trimEnd();
    this.line(render(columns.map((c) => c.header)));
    for (const row of rows) this.line(render(row));
  }

  #bordered(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
    const natural = columns.map((column, i) => Math.max(column.header.length, ...rows.map((row) => visibleLength(row[i] ?? ""))) + 2);
    const available = (this.stdout.columns || 120) - (columns.length + 1);
    const widths = [...natural];
    const flexible = columns.findIndex((column) => column.shrink);
    const excess = natural.reduce((sum, w) => sum + w, 0) - available;
    if (excess > 0 && flexible >= 0) widths[flexible] = Math.max(12, natural[flexible]! - excess);
    const table = new Table({
      head: columns.map((column) => this.c.bold(column.header)),
      colWidths: widths,
      colAligns: columns.map((column) => (column.right ? "right" : "left")),
      style: { head: [], border: [], compact: true },
      wordWrap: false,
    });
    for (const row of rows) table.push([...row]);
    this.line(table.toString());
  }
}

/** JSON.stringify replacer: bytes as base64, Infinity as a string (JSON has no Infinity). */
function jsonValue(_key: string, value: unknown): unknown {
  if (value && typeof value === "object" && (value as { type?: unknown }).type === "Buffer" && Array.isArray((value as { data?: unknown }).data)) {
    return Buffer.from((value as { data: number[] }).data).toString("base64");
  }
  if (value === Infinity) return "Infinity";
  return value;
}

function visibleLength(text: string): number {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, "").length;
}
