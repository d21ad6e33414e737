import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Keys } from "../../../src/redis/keys.js";
import { defaultRetryIdentifier, rawArgsOf } from "../../../src/plugins/retry/identifier.js";
import { floatToS, rubyJoin } from "../../../src/plugins/retry/ruby-join.js";

const sha1 = (text: string) => createHash("sha1").update(text, "utf8").digest("hex");

describe("resque-retry's identifier: SHA1 of Ruby's args.join('-')", () => {
  it("matches keys Ruby wrote", () => {
    expect(defaultRetryIdentifier('["retry-me",1]')).toBe("a0e91fecc1c98a76c3aae1a9f9062e9d9a454b14"); // test/golden/after-work.json
    expect(defaultRetryIdentifier('[5,"x"]')).toBe(sha1("5-x"));
    expect(defaultRetryIdentifier('[5,"x"]')!.startsWith("8350fa97")).toBe(true);
  });

  it("has no identifier when the join is empty", () => {
    for (const args of ["[]", '[""]', "[null]", "[[]]"]) expect(defaultRetryIdentifier(args)).toBeUndefined();
    expect(defaultRetryIdentifier("[null,null]")).toBe(sha1("-"));
    expect(defaultRetryIdentifier("[[],null]")).toBe(sha1("-"));
  });

  it("flattens nested arrays, joins nil as empty, keeps floats as Ruby prints them", () => {
    expect(rubyJoin('[1,[2,[3,"a"]],null,true,false]', "-")).toBe("1-2-3-a--true-false");
    expect(rubyJoin("[1.0,-0.0,2.50,1e3,1E-5,0.0001,1e15,1e16,-2.5e-7,123456789012345678901234567890,-0]", "-")).toBe(
      "1.0--0.0-2.5-1000.0-1.0e-05-0.0001-1.0e+15-1.0e+16--2.5e-07-123456789012345678901234567890-0",
    );
  });

  it("writes objects as Ruby's Hash#inspect (Ruby ≤ 3.3 form)", () => {
    expect(rubyJoin('[{"why":"deliberate"}]', "-")).toBe('{"why"=>"deliberate"}');
    expect(rubyJoin('["boom",123,{"why":"deliberate"}]', "-")).toBe('boom-123-{"why"=>"deliberate"}');
    expect(rubyJoin('[{"a":[1,2.0,null,{"b":{}}],"c":true,"d":"q\\"\\\\\\n\\t\\u0001\\u001b#{x} #$ #@ # é"}]', "-")).toBe(
      '{"a"=>[1, 2.0, nil, {"b"=>{}}], "c"=>true, "d"=>"q\\"\\\\\\n\\t\\u0001\\e\\#{x} \\#$ \\#@ # é"}',
    );
    expect(rubyJoin('[{"k":1,"k":2,"j":3}]', "-")).toBe('{"k"=>2, "j"=>3}'); // a repeated key keeps its place, takes the last value
  });

  it("prints floats like Ruby's Float#to_s", () => {
    const cases: [number, string][] = [
      [1, "1.0"],
      [0.1 + 0.2, "0.30000000000000004"],
      [100, "100.0"],
      [1e14, "100000000000000.0"],
      [1e15, "1.0e+15"],
      [1e16, "1.0e+16"],
      [1.5e300, "1.5e+300"],
      [0.0001, "0.0001"],
      [0.00012, "0.00012"],
      [0.00001, "1.0e-05"],
      [5e-324, "5.0e-324"],
      [-0, "-0.0"],
      [Infinity, "Infinity"],
    ];
    for (const [value, ruby] of cases) expect(floatToS(value)).toBe(ruby);
  });

  it("reads args from a payload or delayed item as Ruby does", () => {
    expect(rawArgsOf('{"class":"A","args":[1.0, "x"]}')).toBe('[1.0, "x"]');
    expect(rawArgsOf('{"class":"A","args":{"k":1},"queue":"q"}')).toBe('[{"k":1}]');
    expect(rawArgsOf('{"class":"A"}')).toBe("[]");
    expect(rawArgsOf('{"class":"A","args":null}')).toBe("[]");
  });

  it("names keys as resque-retry does: no identifier part for nil, whitespace removed", () => {
    const keys = new Keys("resque:");
    expect(keys.retryCounter("RetryJob", "a0e9")).toBe("resque:resque-retry:RetryJob:a0e9");
    expect(keys.retryCounter("NoArgs", undefined)).toBe("resque:resque-retry:NoArgs");
    expect(keys.retryCounter("Custom", "order 42\n")).toBe("resque:resque-retry:Custom:order42");
    expect(keys.retryFailureCopy("RetryJob", "a0e9")).toBe("resque:failure-resque-retry:RetryJob:a0e9");
    expect(new Keys("resque:App:").retryCounter("Mail::Deliver", "x")).toBe("resque:App:resque-retry:Mail::Deliver:x");
  });
});
