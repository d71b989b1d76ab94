import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../control-node/write-file.js";
import { KnownPython } from "../facts/known-python.js";
import type { ReadCommand } from "../remote/shell.js";

// What each host's probes read in each play on the last run, kept on the control node: the
// commands only, never their answers (those are fetched fresh from the host when its play starts).
// It is a cache: a missing, unreadable or foreign file only means the reads are made one by one.
// No secret enters it: reads naming one of the run's secrets, and a noLog task's, are not learnt.
// Beside the reads, each host's python facts with the stamp of the python3 that gave them
// (facts/known-python.ts): the facts script runs python3 again only when the binary changed.

const Read = z.object({ user: z.string().nullable(), env: z.record(z.string(), z.string()).nullable(), command: z.string() });

const RecordingFile = z.object({
  version: z.literal(1),
  /** Every read once; the plays name them by index (most hosts read the same commands). */
  reads: z.array(Read),
  /** Play key → inventory host → indexes into `reads`, in the order the probes made them. */
  plays: z.record(z.string(), z.record(z.string(), z.array(z.number().int().nonnegative()))),
  /** Inventory host → its python facts and the stamp of the binary; absent in a record older than it. */
  python: z.record(z.string(), KnownPython).optional(),
});

/** What the last run read: play key → host → reads; and each host's known python facts. */
export interface Recording {
  plays: Map<string, Map<string, ReadCommand[]>>;
  python: Map<string, KnownPython>;
}

export function emptyRecording(): Recording {
  return { plays: new Map(), python: new Map() };
}

/** Beyond these a host's play is learnt only in part: a probe that loops over thousands of paths costs the snapshot nothing more. */
export const MAX_READS_PER_PLAY = 2000;
export const MAX_READ_BYTES = 64 * 1024;

/** One read's identity: the same text by the same user in the same environment. */
export function readKey(r: ReadCommand): string {
  return JSON.stringify([r.user ?? null, r.env ?? null, r.command]);
}

/** ~/.cache/do-converge/probes/<site>.json (under $XDG_CACHE_HOME when set): one file per site directory and name. */
export function recordingFile(siteDir: string, siteName: string, env: Readonly<Record<string, string | undefined>> = process.env): string {
  const base = env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  const id = createHash("sha256").update(JSON.stringify([siteDir, siteName])).digest("hex").slice(0, 32);
  return join(base, "do-converge", "probes", `${id}.json`);
}

export function readRecording(file: string): Recording {
  const out = emptyRecording();
  let parsed: z.infer<typeof RecordingFile>;
  try {
    const r = RecordingFile.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!r.success) return out;
    parsed = r.data;
  } catch {
    return out;
  }
  const reads: ReadCommand[] = parsed.reads.map((r) => ({ user: r.user ?? undefined, env: r.env ?? undefined, command: r.command }));
  for (const [play, hosts] of Object.entries(parsed.plays)) {
    const m = new Map<string, ReadCommand[]>();
    for (const [host, idx] of Object.entries(hosts)) {
      const list = idx.flatMap((i) => (reads[i] === undefined ? [] : [reads[i]]));
      m.set(host, list);
    }
    out.plays.set(play, m);
  }
  for (const [host, known] of Object.entries(parsed.python ?? {})) out.python.set(host, known);
  return out;
}

/**
 * Writes what this run learnt over the last recording: a host's play that ran replaces what was
 * known of it, the others (hosts left out by --limit, plays not reached) stay. Owner-only: the
 * commands name paths and users of the hosts.
 */
export function writeRecording(file: string, last: Recording, learnt: Recording): void {
  const merged = new Map([...last.plays].map(([play, hosts]) => [play, new Map(hosts)]));
  for (const [play, hosts] of learnt.plays) {
    const m = merged.get(play) ?? new Map<string, ReadCommand[]>();
    for (const [host, reads] of hosts) m.set(host, reads);
    merged.set(play, m);
  }
  const index = new Map<string, number>();
  const reads: z.infer<typeof Read>[] = [];
  const plays: Record<string, Record<string, number[]>> = {};
  for (const [play, hosts] of merged) {
    const ph: Record<string, number[]> = {};
    for (const [host, list] of hosts) {
      ph[host] = list.map((r) => {
        const k = readKey(r);
        let i = index.get(k);
        if (i === undefined) {
          i = reads.length;
          index.set(k, i);
          reads.push({ user: r.user ?? null, env: r.env ?? null, command: r.command });
        }
        return i;
      });
    }
    plays[play] = ph;
  }
  const python = Object.fromEntries([...last.python, ...learnt.python]);
  writeFileAtomic(file, `${JSON.stringify({ version: 1, reads, plays, python })}\n`, 0o600);
  forgetOld(dirname(file), Date.now());
}

/** Records no run has written for this long are of sites moved or gone (a test's scratch site): removed. */
const FORGOTTEN_AFTER_MS = 30 * 24 * 3600 * 1000;

function forgetOld(dir: string, now: number): void {
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json")) continue;
    const path = join(dir, name);
    try {
      if (now - statSync(path).mtimeMs > FORGOTTEN_AFTER_MS) rmSync(path, { force: true });
    } catch {
      // Another run removed or replaced it meanwhile.
    }
  }
}
