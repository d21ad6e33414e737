/**
 * A sampling heap profile that counts what survives scavenges (see BENCH_HEAP_SAMPLE in
 * worker-process.ts): objects a scavenge collects are left out, objects collected by a full GC
 * are kept. What remains is what got promoted to old space (or was allocated there), by site.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

const session = new Session();

export async function start(): Promise<void> {
  session.connect();
  await session.post("HeapProfiler.startSampling", {
    samplingInterval: 256,
    includeObjectsCollectedByMajorGC: true,
    // BENCH_HEAP_SAMPLE_ALL=1: every allocation, also what scavenges collect.
    includeObjectsCollectedByMinorGC: process.env.BENCH_HEAP_SAMPLE_ALL === "1",
  } as object);
}

export async function stop(file: string): Promise<void> {
  const { profile } = (await session.post("HeapProfiler.stopSampling")) as unknown as { profile: { head: ProfileNode } };
  writeFileSync(file, JSON.stringify(profile));
  // Self size per allocating frame, with its caller for context.
  const sites = new Map<string, number>();
  let total = 0;
  const walk = (node: ProfileNode, parent: string): void => {
    const frame = `${node.callFrame.functionName || "(anonymous)"} ${node.callFrame.url.split("/").slice(-2).join("/")}:${node.callFrame.lineNumber + 1}`;
    if (node.selfSize > 0) {
      const key = `${frame}  <- ${parent}`;
      sites.set(key, (sites.get(key) ?? 0) + node.selfSize);
      total += node.selfSize;
    }
    for (const child of node.children) walk(child, frame);
  };
  walk(profile.head, "");
  const top = [...sites].sort((a, b) => b[1] - a[1]).slice(0, 30);
  console.error(`heap sample: ${(total / 1e6).toFixed(1)} MB sampled in all`);
  for (const [site, bytes] of top) console.error(`${(bytes / 1e6).toFixed(2).padStart(7)} MB  ${site}`);
  session.disconnect();
}
