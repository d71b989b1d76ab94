import type { ProbeScope } from "../modules/contract.js";
import type { CommandResult, ReadCommand, ShellReads } from "../remote/shell.js";
import type { ShellLease } from "../runner/connections.js";
import { runBatch } from "./batch.js";
import type { KnownPython, PythonMemo } from "../facts/known-python.js";
import { MAX_READ_BYTES, MAX_READS_PER_PLAY, type Recording, emptyRecording, readKey } from "./recording.js";

/** What the run counts of the fast path, for --profile and the JSON report. */
export interface FastPathCounts {
  /** Probe reads answered from a snapshot. */
  answered: number;
  /** Probe reads made on the host (not in the snapshot, or after a change). */
  live: number;
  /** Snapshots fetched (one round trip per become user of a host's play). */
  snapshots: number;
}

/** The run's side of the fast path: who applied what, and what every host's plays read, for the next run. */
export class FastPath {
  private applies = 0;
  private readonly hostApplies = new Map<string, number>();
  readonly learnt: Recording = emptyRecording();
  readonly counts: FastPathCounts = { answered: 0, live: 0, snapshots: 0 };

  constructor(
    readonly last: Recording,
    private readonly mask: (text: string) => string,
  ) {}

  /** The host's python facts as the last gather learnt them, and where this run's gather leaves them. */
  python(host: string): PythonMemo {
    return {
      known: this.learnt.python.get(host) ?? this.last.python.get(host),
      learn: (k: KnownPython) => {
        this.learnt.python.set(host, k);
      },
    };
  }

  /** `host` is about to change: its snapshot's answers no longer hold, nor the answers of shared state of every host. */
  applying(host: string): void {
    this.applies++;
    this.hostApplies.set(host, (this.hostApplies.get(host) ?? 0) + 1);
  }

  /** Where the answers of a snapshot taken now stand: they hold while these do not move. */
  mark(host: string): { host: number; all: number } {
    return { host: this.hostApplies.get(host) ?? 0, all: this.applies };
  }

  /** A read may be learnt: small enough, and holding none of the run's secrets. */
  learnable(r: ReadCommand): boolean {
    if (r.command.length > MAX_READ_BYTES || this.mask(r.command) !== r.command) return false;
    return Object.values(r.env ?? {}).every((v) => this.mask(v) === v);
  }

  hostPlay(play: string, host: string, acquire: (user: string | undefined) => Promise<ShellLease>): HostPlayReads {
    const learnt = new Map<string, ReadCommand>();
    let hosts = this.learnt.plays.get(play);
    if (!hosts) {
      hosts = new Map();
      this.learnt.plays.set(play, hosts);
    }
    const list: ReadCommand[] = [];
    hosts.set(host, list);
    const expected = this.last.plays.get(play)?.get(host) ?? [];
    return new HostPlayReads(this, host, expected, acquire, {
      learn: (r) => {
        const k = readKey(r);
        if (learnt.has(k) || learnt.size >= MAX_READS_PER_PLAY || !this.learnable(r)) return;
        learnt.set(k, r);
        list.push(r);
      },
      // A play the host ran only in part (it failed or was lost, or tags chose some of its tasks)
      // keeps, after what it read, what the last run read beyond: the next run reaches those again.
      keepUnseen: () => {
        for (const r of expected) {
          const k = readKey(r);
          if (learnt.has(k) || learnt.size >= MAX_READS_PER_PLAY) continue;
          learnt.set(k, r);
          list.push(r);
        }
      },
    });
  }
}

/**
 * One host's play on the fast path: when its first probe comes, the reads its probes made on the
 * last run are made again in one batch per user, and probes are answered from that snapshot for as
 * long as nothing they could see was applied since it was taken. Everything else is read live.
 */
export class HostPlayReads {
  private fetched: Promise<void> | undefined;
  private answers = new Map<string, CommandResult>();
  private at = { host: -1, all: -1 };

  constructor(
    private readonly run: FastPath,
    private readonly host: string,
    private readonly expected: readonly ReadCommand[],
    private readonly acquire: (user: string | undefined) => Promise<ShellLease>,
    private readonly learnt: { learn(r: ReadCommand): void; keepUnseen(): void },
  ) {}

  /** The host ran only part of the play (it failed or was lost, or tags chose some of its tasks). */
  ranInPart(): void {
    this.learnt.keepUnseen();
  }

  /** Takes the snapshot, once, before the play's first read. */
  ready(): Promise<void> {
    this.fetched ??= this.fetch();
    return this.fetched;
  }

  private async fetch(): Promise<void> {
    if (this.expected.length === 0) return;
    // Taken before the reads are sent: a change applied while they run makes them stale.
    this.at = this.run.mark(this.host);
    const byUser = new Map<string | undefined, ReadCommand[]>();
    for (const r of this.expected) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r]);
    await Promise.all(
      [...byUser].map(async ([user, reads]) => {
        let results: CommandResult[] | undefined;
        try {
          const lease = await this.acquire(user);
          try {
            results = await runBatch(lease.sh, reads);
          } finally {
            lease.release();
          }
        } catch {
          // Nothing is answered for this user: its reads go to the host, which then says what is
          // wrong (unreachable, a become user that no longer works) as the task that needs it.
          return;
        }
        if (results !== undefined) this.run.counts.snapshots++;
        results?.forEach((res, i) => {
          const r = reads[i];
          if (r !== undefined) this.answers.set(readKey(r), res);
        });
      }),
    );
  }

  /** `host` (this one, or another this host's task was delegated to) is about to change. */
  applying(host: string): void {
    this.run.applying(host);
  }

  /** The reads of one probe of this host; `learn` false for a task that hides its details (noLog). */
  forProbe(scope: ProbeScope, learn: boolean): ShellReads | undefined {
    if (scope === "live") return undefined;
    const counts = this.run.counts;
    return {
      seen: (r) => {
        if (learn) this.learnt.learn(r);
      },
      answer: (r) => {
        const now = this.run.mark(this.host);
        const holds = now.host === this.at.host && (scope === "host" || now.all === this.at.all);
        const known = holds ? this.answers.get(readKey(r)) : undefined;
        if (known === undefined) counts.live++;
        else counts.answered++;
        return known;
      },
    };
  }
}
