import { z } from "zod";
import { ModuleError } from "./contract.js";
import type { RemoteShell } from "../remote/shell.js";

/**
 * The apt package lists ("the cache") of a host: when they were last refreshed, judged so that a
 * second converge within cache_valid_time runs no `apt-get update`.
 *
 * Why not the mtime of /var/lib/apt/lists (Ansible's fallback): opening the cache recreates its
 * `lock` file and refreshes the directory's mtime even when the lists were wiped
 * (docs/debian12-notes.md, 9). Why not only the list files' mtimes: apt stamps a downloaded list
 * with the server's Last-Modified and leaves it alone on an If-Modified-Since hit, so a list can
 * look days old right after a successful update. So: the cache time is the newest of the list
 * files' mtimes and /var/lib/apt/periodic/update-success-stamp (Debian's own "update succeeded"
 * stamp, written by apt.systemd.daily and, after each update, by us), but only while real list
 * files (Packages/Sources) exist, and only if no sources file changed after it.
 */
export const STAMP = "/var/lib/apt/periodic/update-success-stamp";

/** Prints one line: `cache <listFiles> <newestList> <stamp> <newestSources> <now>` (epoch seconds, mtimes with fractions). */
export const CACHE_PROBE = `n=$(find /var/lib/apt/lists -maxdepth 1 -type f \\( -name '*_Packages*' -o -name '*_Sources*' \\) 2>/dev/null | wc -l)
l=$(find /var/lib/apt/lists -maxdepth 1 -type f ! -name lock -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1)
s=$(stat -c %.9Y ${STAMP} 2>/dev/null)
src=$(find /etc/apt/sources.list /etc/apt/sources.list.d -maxdepth 1 \\( -name '*.list' -o -name '*.sources' -o -path /etc/apt/sources.list.d \\) -printf '%T@\\n' 2>/dev/null | sort -n | tail -n 1)
printf 'cache %s %s %s %s %s\\n' "$n" "\${l:-0}" "\${s:-0}" "\${src:-0}" "$(date +%s)"`;

export interface CacheState {
  /** Package/Sources list files present: 0 means the lists were wiped or never fetched. */
  listFiles: number;
  /** Newest mtime of a list file (apt sets it from the server's Last-Modified). */
  newestList: number;
  /** mtime of the update-success stamp, 0 when absent. */
  stamp: number;
  /** Newest mtime of sources.list, sources.list.d and its files. */
  newestSources: number;
  now: number;
}

export function parseCacheLine(text: string): CacheState {
  const line = text.split("\n").find((l) => l.startsWith("cache "));
  // Sub-second times: a source written in the same second as the last update is still newer.
  const f = (line ?? "").split(" ").slice(1).map(Number);
  if (f.length !== 5 || f.some((x) => !Number.isFinite(x))) throw new ModuleError(`cannot read the apt cache state: ${JSON.stringify(text.trim())}`);
  const [listFiles = 0, newestList = 0, stamp = 0, newestSources = 0, now = 0] = f;
  return { listFiles, newestList, stamp, newestSources, now };
}

/** When the lists were last known good (epoch seconds), or undefined when there are none. */
export function cacheTime(c: CacheState): number | undefined {
  return c.listFiles > 0 ? Math.max(c.newestList, c.stamp) : undefined;
}

/**
 * Why the lists need `apt-get update` now, or undefined when they are fresh. validTime 0 (or
 * undefined) means "always update", as Ansible's update_cache without cache_valid_time.
 */
export function cacheStaleReason(c: CacheState, validTime: number | undefined): string | undefined {
  if (!validTime) return "update_cache without cache_valid_time";
  const t = cacheTime(c);
  if (t === undefined) return "no package lists";
  if (c.newestSources > t) return "sources changed since the last update";
  const age = c.now - t;
  return age >= validTime ? `lists are ${Math.floor(age)} s old (cache_valid_time ${validTime})` : undefined;
}

/**
 * Seconds one `apt-get update` attempt may take before it is killed and counts as a failed
 * download (then retried). Not in Ansible: a mirror or proxy that stops answering mid-reply can
 * hold apt for ever, and with it the run lock every later scheduled run waits for.
 */
export const UpdateCacheTimeout = z
  .number()
  .int()
  .min(10)
  .default(300)
  .describe("Seconds one apt-get update attempt may take before it is stopped and counts as a failed download (then retried).");

export interface UpdateOptions {
  /** Seconds to wait for another apt run's lists lock. */
  lockTimeout: number;
  /** Further attempts after a failed download (Ansible's update_cache_retries). */
  retries: number;
  /** Seconds one attempt may run before it is killed and counted as a failed download. */
  attemptTimeout: number;
}

/**
 * `apt-get update` that waits for the lists lock (DPkg::Lock::Timeout covers the dpkg locks
 * only, not /var/lib/apt/lists/lock), retries failed downloads with backoff, and on success
 * touches the update-success stamp. Exits with apt's status; its output goes to stdout.
 * Only download failures are retried: a refused source fails at once. An attempt that outlives
 * attemptTimeout is killed (TERM, then KILL 10 s later; the lists lock is an fcntl lock, so it
 * goes with the process) and retried like a failed download: seen with a caching proxy that
 * stopped answering mid-reply while apt waited for ever with no connection open.
 */
export function updateScript(o: UpdateOptions): string {
  return `deadline=$(( $(date +%s) + ${o.lockTimeout} )); tries=0; delay=1
while :; do
  out=$(timeout -k 10 ${o.attemptTimeout} apt-get -q update 2>&1); rc=$?
  [ $rc -eq 0 ] && break
  # timeout(1): 124 when the attempt was stopped by TERM, 137 when it needed KILL.
  if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then out="$out
E: apt-get update did not finish within ${o.attemptTimeout} s (update_cache_timeout); killed"; fi
  if printf '%s\\n' "$out" | grep -q 'Could not get lock'; then
    [ "$(date +%s)" -lt "$deadline" ] || break
    sleep 1; continue
  fi
  # A source apt refuses (bad signature, malformed entry) will not get better by asking again.
  printf '%s\\n' "$out" | grep -Eq 'GPG error|is not signed|NO_PUBKEY|EXPKEYSIG|Malformed|Conflicting values|could not be read' && break
  tries=$((tries + 1)); [ $tries -le ${o.retries} ] || break
  sleep $delay; delay=$((delay * 2)); [ $delay -le 12 ] || delay=12
done
printf '%s\\n' "$out"
[ $rc -eq 0 ] || exit $rc
mkdir -p ${STAMP.replace(/\/[^/]+$/, "")} && touch ${STAMP}`;
}

/** Runs updateScript; throws a ModuleError naming apt's own errors when the update fails. */
export async function updateCache(sh: RemoteShell, o: UpdateOptions): Promise<{ stdout: string; time: number }> {
  const r = await sh.run(`${updateScript(o)}\ndate +%s`);
  if (r.rc !== 0) {
    throw new ModuleError(`apt-get update failed (rc ${r.rc}): ${aptErrors(`${r.stdout}\n${r.stderr}`)}`, r);
  }
  const lines = r.stdout.trimEnd().split("\n");
  const time = Number(lines.pop());
  return { stdout: lines.join("\n"), time };
}

/** apt's "E:" lines (or the last lines of output when there are none), for an error message. */
export function aptErrors(output: string): string {
  const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => l.startsWith("E: ") || l.startsWith("W: GPG error") || l.startsWith("Err:"));
  return (errors.length ? errors : lines.slice(-3)).join(" | ");
}
