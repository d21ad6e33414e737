/**
 * Ruby's `args.join('-')`, computed from the JSON text of the args, which is what resque-retry
 * hashes into its key. Working from the text matters: Ruby parses `1.0` as a Float and joins it as
 * "1.0", while JavaScript's JSON.parse has already turned it into 1.
 *
 * Exact, for values JSON can carry: strings, integers of any size, floats (Ruby's Float#to_s:
 * shortest digits, plain from 1e-4 up to below 1e15, else `1.0e+15`), true/false, null ("" as nil.to_s),
 * nested arrays (flattened, as join does) and objects (Ruby's Hash#inspect up to Ruby 3.3:
 * `{"a"=>1, "b"=>[1, 2.0], "c"=>nil}`). Ruby 3.4 writes `{"a" => 1}` instead, so a job whose
 * args hold objects gets another key under Ruby 3.4. Inside objects, strings are shown with
 * Ruby's String#inspect; control characters, U+2028/U+2029 and noncharacters are escaped as Ruby
 * does, every other character is kept as is (Ruby also escapes code points unassigned in its
 * Unicode version). test/fixtures/ruby-join/corpus.json holds real Ruby's output to compare with.
 */

type RubyValue =
  | { kind: "string"; value: string }
  | { kind: "integer"; text: string }
  | { kind: "float"; value: number }
  | { kind: "nil" }
  | { kind: "boolean"; value: boolean }
  | { kind: "array"; items: RubyValue[] }
  | { kind: "hash"; entries: Map<string, RubyValue> };

/** Reads JSON text (already known to be valid) into Ruby's view of it. */
export function parseAsRuby(json: string): RubyValue {
  let i = 0;
  const space = () => {
    while (i < json.length && " \t\r\n".includes(json[i]!)) i++;
  };
  const stringAt = (): string => {
    const start = i;
    for (i++; i < json.length; i++) {
      if (json[i] === "\\") i++;
      else if (json[i] === '"') break;
    }
    i++;
    return JSON.parse(json.slice(start, i)) as string;
  };
  const value = (): RubyValue => {
    space();
    const c = json[i];
    if (c === '"') return { kind: "string", value: stringAt() };
    if (c === "[") {
      i++;
      const items: RubyValue[] = [];
      space();
      if (json[i] === "]") {
        i++;
        return { kind: "array", items };
      }
      for (;;) {
        items.push(value());
        space();
        if (json[i++] === "]") return { kind: "array", items };
      }
    }
    if (c === "{") {
      i++;
      // Ruby's Hash keeps a repeated key at its first position with the last value, as a Map does.
      const entries = new Map<string, RubyValue>();
      space();
      if (json[i] === "}") {
        i++;
        return { kind: "hash", entries };
      }
      for (;;) {
        space();
        const key = stringAt();
        space();
        i++; // ':'
        entries.set(key, value());
        space();
        if (json[i++] === "}") return { kind: "hash", entries };
      }
    }
    const start = i;
    while (i < json.length && !",]} \t\r\n".includes(json[i]!)) i++;
    const word = json.slice(start, i);
    if (word === "null") return { kind: "nil" };
    if (word === "true" || word === "false") return { kind: "boolean", value: word === "true" };
    if (/^-?\d+$/.test(word)) return { kind: "integer", text: word === "-0" ? "0" : word };
    return { kind: "float", value: Number(word) };
  };
  return value();
}

/** `Array#join(separator)` over the args JSON text: nested arrays are flattened into the join. */
export function rubyJoin(argsJson: string, separator: string): string {
  const parsed = parseAsRuby(argsJson);
  return join(parsed.kind === "array" ? parsed.items : [parsed], separator);
}

function join(items: readonly RubyValue[], separator: string): string {
  return items.map((item) => (item.kind === "array" ? join(item.items, separator) : toS(item))).join(separator);
}

/** Ruby's `to_s` of a value, as join uses it: a string itself, nil empty, anything else its inspect. */
function toS(value: RubyValue): string {
  if (value.kind === "string") return value.value;
  if (value.kind === "nil") return "";
  return inspect(value);
}

/** Ruby's `inspect` (Ruby ≤ 3.3 Hash format). */
function inspect(value: RubyValue): string {
  switch (value.kind) {
    case "string":
      return inspectString(value.value);
    case "integer":
      return value.text;
    case "float":
      return floatToS(value.value);
    case "nil":
      return "nil";
    case "boolean":
      return String(value.value);
    case "array":
      return `[${value.items.map(inspect).join(", ")}]`;
    case "hash":
      return `{${[...value.entries].map(([k, v]) => `${inspectString(k)}=>${inspect(v)}`).join(", ")}}`;
  }
}

/** Ruby's Float#to_s. */
export function floatToS(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  // toExponential() without digits gives the shortest digits that read back as x, as Ruby's dtoa.
  const [mantissa, exponent] = Math.abs(x).toExponential().split("e") as [string, string];
  const digits = mantissa.replace(".", "");
  const point = Number(exponent) + 1; // digits × 10^(point - digits.length)
  const sign = x < 0 ? "-" : "";
  if (point > 0 && point <= 15) {
    if (point < digits.length) return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
    return `${sign}${digits}${"0".repeat(point - digits.length)}.0`;
  }
  if (point <= 0 && point > -4) return `${sign}0.${"0".repeat(-point)}${digits}`;
  const e = point - 1;
  return `${sign}${digits[0]}.${digits.length > 1 ? digits.slice(1) : "0"}e${e < 0 ? "-" : "+"}${String(Math.abs(e)).padStart(2, "0")}`;
}

const NAMED_ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\f": "\\f",
  "\v": "\\v",
  "\b": "\\b",
  "\x07": "\\a",
  "\x1b": "\\e",
};

/**
 * Code points Ruby's String#inspect escapes as \uXXXX in a UTF-8 string (checked with Ruby 3.1 over
 * every code point): C0 and C1 controls except U+0085, the line and paragraph separators, and
 * code points that are not printable. Of the last, Ruby escapes every code point unassigned in its
 * Unicode version; those change with the Ruby version and are kept here as they are.
 */
function escapedByRuby(code: number): boolean {
  return code < 0x20 || (code >= 0x7f && code <= 0x9f && code !== 0x85) || code === 0x2028 || code === 0x2029 || (code >= 0xfdd0 && code <= 0xfdef) || (code & 0xfffe) === 0xfffe;
}

/** Ruby's String#inspect for a UTF-8 string. */
function inspectString(text: string): string {
  const chars = [...text];
  let out = '"';
  chars.forEach((c, index) => {
    const code = c.codePointAt(0)!;
    if (NAMED_ESCAPES[c]) out += NAMED_ESCAPES[c];
    else if (c === "#" && ["{", "$", "@"].includes(chars[index + 1] ?? "")) out += "\\#";
    else if (escapedByRuby(code)) out += `\\u${code.toString(16).toUpperCase().padStart(4, "0")}`;
    else out += c;
  });
  return `${out}"`;
}
