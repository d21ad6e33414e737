import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../", import.meta.url));

function markdownFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return markdownFiles(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

const docs = markdownFiles(join(root, "docs"));
const pages = [join(root, "README.md"), ...docs, ...markdownFiles(join(root, "examples"))];

/** Relative link targets of a markdown file (without #anchors), outside code blocks. */
function links(file: string): string[] {
  const text = readFileSync(file, "utf8").replace(/^```[\s\S]*?^```$/gm, "");
  return [...text.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith("#"))
    .map((target) => target.split("#")[0]!);
}

describe("the documentation", () => {
  it("docs/README.md links every guide in docs/", () => {
    const index = new Set(links(join(root, "docs/README.md")).map((target) => join(root, "docs", target)));
    const unlinked = docs.filter((file) => !file.endsWith("docs/README.md") && !index.has(file));
    expect(unlinked.map((file) => relative(root, file))).toEqual([]);
  });

  it("has no relative link to a file that does not exist", () => {
    const broken = pages.flatMap((page) =>
      links(page)
        .filter((target) => !existsSync(join(dirname(page), target)))
        .map((target) => `${relative(root, page)} → ${target}`),
    );
    expect(broken).toEqual([]);
  });
});
