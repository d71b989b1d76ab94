import type { PreparedPlay, RunState } from "./play.js";
import { runPlay } from "./play.js";
import { factsStale } from "./host-facts.js";

/**
 * `--retry-unreachable N`: a host that became unreachable gets up to N more tries. Each try is a
 * round: the plays the host missed — from the one where it was lost through the last play the
 * run has reached — run again for the retried hosts only, in site order, each play's `serial`
 * batches drawn from them. The recap keeps one line per host: its counters go on adding up, and
 * its `unreachable` is the last try's.
 */
export class UnreachableRetries {
  private readonly used = new Map<string, number>();

  constructor(
    private readonly state: RunState,
    private readonly plays: readonly PreparedPlay[],
    private readonly max: number,
  ) {}

  /** Hosts lost in a play up to `upTo` that have tries left. */
  private candidates(upTo: number): string[] {
    return [...this.state.hosts.values()]
      .filter((r) => r.dead === "unreachable" && r.lostIn !== undefined && r.lostIn <= upTo && (this.used.get(r.name) ?? 0) < this.max)
      .map((r) => r.name);
  }

  /**
   * Rounds until no host lost up to play `upTo` has a try left. False when a round ended
   * because a host failed (a task, or anyErrorsFatal): as in the first pass, the run stops there.
   */
  async run(upTo: number): Promise<boolean> {
    for (;;) {
      const hosts = this.candidates(upTo);
      if (hosts.length === 0) return true;
      if (!(await this.round(hosts, upTo))) return false;
    }
  }

  /** Hosts left unreachable that could have been retried, for the warning of a run that stopped. */
  left(): string[] {
    return this.candidates(this.plays.length);
  }

  private async round(hosts: readonly string[], upTo: number): Promise<boolean> {
    const { state } = this;
    const from = new Map<string, number>();
    for (const name of hosts) {
      const rec = state.hosts.get(name);
      if (!rec || rec.lostIn === undefined) continue;
      const attempt = (this.used.get(name) ?? 0) + 1;
      this.used.set(name, attempt);
      from.set(name, rec.lostIn);
      state.emit({ type: "host-retry", host: name, attempt, of: this.max, from: this.plays[rec.lostIn]?.play.name ?? "?" });
      rec.dead = undefined;
      rec.stats.unreachable = 0;
      // Whatever made it go away (a reboot, a network change) may have changed its facts.
      factsStale(rec);
      // A connection that failed is remembered as failed: forget it so that this try connects again.
      await state.pool.forget(name);
    }
    const start = Math.min(...from.values());
    for (let j = start; j <= upTo; j++) {
      const p = this.plays[j];
      if (!p) continue;
      const mine = p.hosts.filter((h) => (from.get(h) ?? Number.POSITIVE_INFINITY) <= j && !state.hosts.get(h)?.dead);
      if (mine.length === 0) continue;
      if (await runPlay(state, { ...p, hosts: mine }, { retrying: true })) continue;
      // Aborted: a failed host stops the run, as it would have in the first pass. Hosts that only
      // lost their connection again wait for the next round; so do those the abort cut short.
      if (mine.some((h) => state.hosts.get(h)?.dead === "failed")) return false;
      for (const [name] of from) {
        const rec = state.hosts.get(name);
        const missing = this.plays.slice(j, upTo + 1).some((q) => q.hosts.includes(name));
        if (rec && !rec.dead && missing) {
          rec.dead = "unreachable";
          rec.lostIn = j;
          rec.stats.unreachable = Math.max(1, rec.stats.unreachable);
        }
      }
      return true;
    }
    return true;
  }
}
