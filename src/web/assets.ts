/**
 * The dashboard's stylesheet and script, served as files (the Content-Security-Policy allows no
 * inline style or script) under names that carry a hash of their content, so browsers cache them
 * for good and a new version is fetched under its new name. They sit in assets/ next to this
 * module in the source tree, and in web-assets/ next to the bundle in dist/.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export interface Asset {
  /** The URL path under the dashboard's root: /assets/dashboard.3f2a9c1b.css */
  path: string;
  body: string;
  contentType: string;
}

const FILES = { "dashboard.css": "text/css; charset=utf-8", "dashboard.js": "text/javascript; charset=utf-8" } as const;
export type AssetName = keyof typeof FILES;

function assetsDirectory(): string {
  for (const candidate of [new URL("./assets/", import.meta.url), new URL("./web-assets/", import.meta.url)]) {
    const dir = fileURLToPath(candidate);
    if (existsSync(`${dir}/dashboard.css`)) return dir;
  }
  throw new Error(`resque-ts: the dashboard's assets were not found next to ${fileURLToPath(import.meta.url)}`);
}

let loaded: Map<AssetName, Asset> | undefined;

export function assets(): Map<AssetName, Asset> {
  if (loaded) return loaded;
  const dir = assetsDirectory();
  loaded = new Map();
  for (const [name, contentType] of Object.entries(FILES) as [AssetName, string][]) {
    const body = readFileSync(`${dir}/${name}`, "utf8");
    const hash = createHash("sha256").update(body).digest("hex").slice(0, 12);
    const dot = name.lastIndexOf(".");
    loaded.set(name, { path: `/assets/${name.slice(0, dot)}.${hash}${name.slice(dot)}`, body, contentType });
  }
  return loaded;
}

export function assetPath(name: AssetName): string {
  return assets().get(name)!.path;
}
