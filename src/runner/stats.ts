import type { TaskStatus } from "./events.js";

/** The recap's counters for one host, named as Ansible's PLAY RECAP names them. */
export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

/** Ansible counts a changed task in both ok and changed; a failed one only in failed. */
export function count(stats: HostStats, status: TaskStatus): void {
  switch (status) {
    case "changed":
      stats.ok++;
      stats.changed++;
      break;
    case "ok":
      stats.ok++;
      break;
    case "ignored":
      stats.ignored++;
      break;
    case "rescued":
      stats.rescued++;
      break;
    case "failed":
      stats.failed++;
      break;
    case "skipped":
      stats.skipped++;
      break;
    case "unreachable":
      stats.unreachable++;
      break;
  }
}
