import { RemoteCommandError } from "../remote/errors.js";
import { type StateFile, readStateFile, removeStateFile, writeStateFile } from "../remote/state-file.js";
import type { ShellLease } from "./connections.js";
import type { TaskEnd } from "./events.js";
import {
  EMPTY_RECORD,
  type HandlerCatalogue,
  type HandlerRecord,
  type PendingHandler,
  formatHandlerRecord,
  hasPending,
  parseHandlerRecord,
  reconcile,
  withPending,
  withoutPending,
} from "./handler-record.js";

/** The record's path below the state directory: one file per site and inventory host. */
export function pendingHandlersPath(site: string, host: string): string {
  // Two inventory names can be one machine (an alias, a local connection): each keeps its own file.
  return `pending-handlers/${site}/${encodeURIComponent(host)}.json`;
}

export interface PendingHandlersIo {
  /** A shell of the play's user (its become user, else the login user): the record is that user's. For writes. */
  shell(): Promise<ShellLease>;
  /** The same user's shell for reading the record (the fast path may answer it). */
  readShell(): Promise<ShellLease>;
  warn(msg: string): void;
}

/**
 * One host's pending handlers during one play. Read once when the host starts the play; written
 * when a handler is first notified and when it has run, never in check mode. A host that cannot
 * keep the record (its state directory is not writable) is warned about once and runs as before.
 */
export class PendingHandlers {
  private record: HandlerRecord = EMPTY_RECORD;
  private file: StateFile | undefined;
  private broken = false;
  /** This play's handlers from an earlier run, not yet notified again. */
  private earlier: PendingHandler[] = [];
  /** Writes one after another, each of the record as it is then: tasks run in parallel may notify. */
  private saving: Promise<void> = Promise.resolve();

  constructor(
    private readonly io: PendingHandlersIo,
    private readonly o: { site: string; host: string; play: string; check: boolean; stateDir: string | undefined; catalogue: HandlerCatalogue },
  ) {}

  /** Reads the host's record; drops (with a warning) what names a handler the site no longer has. */
  async load(): Promise<void> {
    const file = await this.io.readShell().then(async (lease) => {
      try {
        return await readStateFile(lease.sh, pendingHandlersPath(this.o.site, this.o.host), this.o.stateDir);
      } catch (err) {
        if (!(err instanceof RemoteCommandError)) throw err;
        this.fail(err.message);
        return undefined;
      } finally {
        lease.release();
      }
    });
    if (!file) return;
    this.file = file;
    const { record, problem } = parseHandlerRecord(file.text ?? "");
    if (problem) this.io.warn(`${this.o.host}: the pending-handlers record ${file.path} is unusable and was ignored (${problem})`);
    const { kept, stale } = reconcile(record, this.o.catalogue);
    this.record = { version: 1, pending: kept };
    for (const s of stale) {
      this.io.warn(`${this.o.host}: pending handler ${JSON.stringify(s.entry.handler)} (notified ${s.entry.since}) ${this.o.check ? "would be" : "is"} dropped: ${s.why}`);
    }
    if (stale.length > 0 || problem) await this.save();
    this.earlier = kept.filter((p) => p.play === this.o.play);
  }

  /** This play's handlers (`role`: that role's, null: the play's own) an earlier run left pending, once. */
  takeEarlier(role: string | null): PendingHandler[] {
    const mine = this.earlier.filter((p) => p.role === role);
    this.earlier = this.earlier.filter((p) => p.role !== role);
    return mine;
  }

  /** A handler was notified: recorded before the run goes on, so that losing the run does not lose it. */
  async notified(handler: string, role: string | null): Promise<void> {
    const entry = { play: this.o.play, role, handler, since: new Date().toISOString() };
    if (hasPending(this.record, entry)) return;
    this.record = withPending(this.record, entry);
    await this.save();
  }

  /** A handler ran to its end: no longer pending. */
  async ran(handler: string, role: string | null): Promise<void> {
    const entry = { play: this.o.play, role, handler };
    if (!hasPending(this.record, entry)) return;
    this.record = withoutPending(this.record, entry);
    await this.save();
  }

  private save(): Promise<void> {
    const next = this.saving.then(() => this.write());
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async write(): Promise<void> {
    const file = this.file;
    if (this.o.check || this.broken || !file) return;
    const lease = await this.io.shell();
    try {
      if (this.record.pending.length === 0) {
        if (file.text !== undefined) await removeStateFile(lease.sh, file.path);
        this.file = { ...file, text: undefined };
      } else {
        const text = formatHandlerRecord(this.record);
        await writeStateFile(lease.sh, file, text);
        this.file = { ...file, dirExists: true, text };
      }
    } catch (err) {
      // A lost connection is the host's problem (unreachable); a refused write is only the record's.
      if (!(err instanceof RemoteCommandError)) throw err;
      this.fail(err.message);
    } finally {
      lease.release();
    }
  }

  private fail(why: string): void {
    this.broken = true;
    this.io.warn(`${this.o.host}: pending handlers cannot be recorded (${why}): a handler notified in this play is lost if the run ends before it runs`);
  }
}

/** The line that reports a handler pending from an earlier run, notified again (counted ok). */
export function pendingNotice(p: PendingHandler, at: { play: string; host: string; check: boolean }): TaskEnd {
  return {
    type: "task-end",
    play: at.play,
    host: at.host,
    task: `${p.handler} (pending from an earlier run)`,
    module: "handlers",
    status: "ok",
    msg: `notified ${p.since} by a run that ended before it ran; ${at.check ? "would run" : "runs"} with this play's handlers`,
    startedAt: Date.now(),
    durationMs: 0,
  };
}
