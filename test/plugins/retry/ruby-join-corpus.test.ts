/**
 * resque-retry's identifier is Ruby's args.join('-'). test/fixtures/ruby-join/corpus.json holds
 * what real Ruby printed for 600+ args texts (edge cases of Float#to_s, String#inspect inside
 * hashes, nesting); `node inputs.mjs | ruby generate.rb > corpus.json` regenerates it.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { rubyJoin } from "../../../src/plugins/retry/ruby-join.js";

const { ruby, corpus } = JSON.parse(readFileSync(new URL("../../fixtures/ruby-join/corpus.json", import.meta.url), "utf8")) as {
  ruby: string;
  corpus: { args: string; join: string }[];
};

describe(`args.join('-') as Ruby ${ruby} computes it`, () => {
  it("matches every entry of the corpus", () => {
    const mismatches = corpus.filter((entry) => rubyJoin(entry.args, "-") !== entry.join).map((entry) => ({ ...entry, ours: rubyJoin(entry.args, "-") }));
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(corpus.length).toBeGreaterThan(500);
  });
});
