import { readFileSync } from "node:fs";
import { run } from "./exec.js";

/** Mount points at or below dir, deepest first, so they can be unmounted in order. */
export function mountsUnder(dir: string): string[] {
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  return readFileSync("/proc/self/mounts", "utf8")
    .split("\n")
    .map((l) => (l.split(" ")[1] ?? "").replace(/\\040/g, " "))
    .filter((m) => m === dir || m.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** Unmounts everything at or below dir; a busy mount is detached lazily rather than left behind. */
export async function unmountAll(dir: string): Promise<void> {
  for (const m of mountsUnder(dir)) {
    const r = await run("umount", [m], { allowFailure: true });
    if (r.code !== 0) await run("umount", ["-l", m]);
  }
}
