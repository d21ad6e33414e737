import { describe, expect, it } from "vitest";
import { duration } from "../../src/cli/kit/format.js";

describe("duration for people (CLI tables and doctor)", () => {
  it("uses the unit of the number it shows, also at the boundaries", () => {
    expect(duration(undefined)).toBe("-");
    expect(duration(850)).toBe("850 ms");
    expect(duration(999.6)).toBe("1 s");
    expect(duration(42_000)).toBe("42 s");
    expect(duration(119_400)).toBe("119 s");
    expect(duration(119_998)).toBe("2 min");
    expect(duration(120_000)).toBe("2 min");
    expect(duration(7_199_000)).toBe("2 h");
    expect(duration(5 * 3_600_000)).toBe("5 h");
    expect(duration(47.9 * 3_600_000)).toBe("2 d");
    expect(duration(2 * 86_400_000)).toBe("2 d");
  });
});
