import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/index.js";
import { logFormat } from "../../src/cli/logging.js";

describe("--log-format", () => {
  it("defaults to pretty lines on a terminal and JSON lines anywhere else", () => {
    expect(logFormat(undefined, true)).toBe("pretty");
    expect(logFormat(undefined, false)).toBe("json");
    expect(logFormat("", true)).toBe("pretty");
  });

  it("lets the flag or LOG_FORMAT choose, in any case", () => {
    expect(logFormat("json", true)).toBe("json");
    expect(logFormat("Pretty", false)).toBe("pretty");
  });

  it("refuses other formats", () => {
    expect(() => logFormat("xml", true)).toThrow(ConfigurationError);
  });
});
