import { lstatSync, mkdirSync, mkdtempSync, readlinkSync, rmSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { run } from "../exec.js";
import { unmountAll } from "../mounts.js";

// Real attempts, not reading kernel configs: a module that loads on demand, a container that
// forbids mounts, a file system that cannot hold an overlay's upper layer all show only when
// tried. Each probe leaves nothing behind and answers undefined when it worked.

const lastLines = (text: string) => text.trim().split("\n").slice(-3).join(" | ") || "no message";

async function inScratch<T>(labRoot: string, fn: (dir: string) => Promise<T>): Promise<T> {
  mkdirSync(labRoot, { recursive: true });
  const dir = mkdtempSync(join(labRoot, ".probe-"));
  try {
    return await fn(dir);
  } finally {
    await unmountAll(dir);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** An overlay mounted where the lab keeps its hosts (their disks are overlays on the base image). */
export function overlayProblem(labRoot: string): Promise<string | undefined> {
  return inScratch(labRoot, async (dir) => {
    const [lower, upper, work, merged] = ["lower", "upper", "work", "merged"].map((d) => join(dir, d)) as [string, string, string, string];
    for (const d of [lower, upper, work, merged]) mkdirSync(d);
    const r = await run("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lower},upperdir=${upper},workdir=${work}`, merged], { allowFailure: true });
    if (r.code !== 0) return `overlayfs cannot be mounted under ${labRoot} (${lastLines(r.stderr)}); DO_CONVERGE_LAB_DIR moves the lab to another file system`;
    return undefined;
  });
}

/** A Linux bridge created and deleted again (the lab's hosts share one). */
export async function bridgeProblem(): Promise<string | undefined> {
  const name = `dcvprobe${process.pid % 10_000_000}`;
  const r = await run("ip", ["link", "add", name, "type", "bridge"], { allowFailure: true });
  if (r.code !== 0) return `cannot create a Linux bridge (${lastLines(r.stderr)})`;
  await run("ip", ["link", "del", name], { allowFailure: true });
  return undefined;
}

/**
 * systemd-nspawn starting a container with the flags a lab host boots with (namespaces, mounts,
 * cgroups, a private network), running this machine's own /usr read-only: there is no base image
 * yet on a fresh machine, and booting one is what `up` does next.
 */
export function nspawnProblem(labRoot: string): Promise<string | undefined> {
  return inScratch(labRoot, async (dir) => {
    mkdirSync(join(dir, "usr"));
    const binds = ["--bind-ro=/usr"];
    for (const top of ["bin", "sbin", "lib", "lib32", "lib64"]) {
      try {
        const st = lstatSync(`/${top}`);
        if (st.isSymbolicLink()) symlinkSync(readlinkSync(`/${top}`), join(dir, top));
        else if (st.isDirectory()) binds.push(`--bind-ro=/${top}`);
      } catch {
        // not on this machine
      }
    }
    const r = await run(
      "systemd-nspawn",
      [
        "--quiet",
        "--register=no",
        "--keep-unit",
        "--private-network",
        "--resolv-conf=off",
        "--timezone=off",
        "--link-journal=no",
        ...binds,
        `--directory=${dir}`,
        `--machine=dcv-probe-${process.pid}`,
        "true",
      ],
      { allowFailure: true, timeoutMs: 60_000 },
    );
    if (r.code !== 0) return `systemd-nspawn cannot start a container here (${lastLines(r.stderr)})`;
    return undefined;
  });
}
