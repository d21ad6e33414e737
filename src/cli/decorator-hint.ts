/**
 * Node 20 cannot parse decorators: a job module compiled with them left in (tsc with
 * "target": "ESNext", the default of `tsc --init`) fails to load with only "SyntaxError: Invalid
 * or unexpected token", and for ES modules without naming the file. When loading a module fails
 * that way, we look for a decorator line in it and in the modules it imports by relative path,
 * and say what to change.
 */
import { readFileSync, statSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";

const DECORATOR_LINE = /^[ \t]*@[A-Za-z_$][\w$]*(?:\.[\w$]+)*[ \t]*(?:\(|$)/m;
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g;
const MAX_FILES = 200;

export interface DecoratorFound {
  file: string;
  line: number;
  text: string;
}

/** The first decorator line in `entry` or the files it imports by relative path (breadth first). */
export function findDecorator(entry: string): DecoratorFound | undefined {
  const queue = [resolve(entry)];
  const seen = new Set<string>();
  while (queue.length > 0 && seen.size < MAX_FILES) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    let source: string;
    try {
      source = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const match = DECORATOR_LINE.exec(source);
    if (match) {
      const before = source.slice(0, match.index);
      const lineEnd = source.indexOf("\n", match.index);
      const text = source.slice(match.index, lineEnd < 0 ? undefined : lineEnd).trim();
      return { file, line: before.split("\n").length, text: text.length > 60 ? `${text.slice(0, 57)}...` : text };
    }
    for (const [, path] of source.matchAll(RELATIVE_IMPORT)) {
      const target = resolve(dirname(file), path!);
      for (const candidate of [target, `${target}.js`, `${target}.cjs`, `${target}.mjs`, `${target}/index.js`]) {
        if (statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
          queue.push(candidate);
          break;
        }
      }
    }
  }
  return undefined;
}

/** A message for a module that failed to load because of a decorator left in it, or undefined. */
export function decoratorHint(error: unknown, entry: string, cwd = process.cwd()): string | undefined {
  if (!(error instanceof SyntaxError)) return undefined;
  const found = findDecorator(entry);
  if (!found) return undefined;
  const where = `${relative(cwd, found.file) || found.file}:${found.line}`;
  return (
    `${where} has a decorator that was not compiled (${found.text}), and Node.js cannot run decorators yet. ` +
    'Compile it with "target": "ES2022" in tsconfig.json (tsc leaves decorators in place for "ESNext", the default of tsc --init), ' +
    "or build with tsup or esbuild, or run the TypeScript source with tsx. " +
    "Without decorators, write static retry = { ... } or static plugins = [...] on the class (docs/decorators.md)."
  );
}
