import { z } from "zod";

/**
 * A handler notified on a host that has not run yet. Kept on the host itself, so a run that
 * ends before the handler (a later task failed, the run was killed, the host went away) does not
 * lose it: the next run of the play notifies it again.
 */
export const PendingHandlerSchema = z.strictObject({
  /** The play's key (see playKeys). */
  play: z.string().min(1),
  /** The role that defines the handler; null for the play's own handlers. */
  role: z.string().min(1).nullable(),
  handler: z.string().min(1),
  /** When it was first notified (ISO 8601), for the report. */
  since: z.string(),
});
export type PendingHandler = z.infer<typeof PendingHandlerSchema>;

export const HandlerRecordSchema = z.strictObject({
  version: z.literal(1),
  pending: z.array(PendingHandlerSchema),
});
export type HandlerRecord = z.infer<typeof HandlerRecordSchema>;

export const EMPTY_RECORD: HandlerRecord = { version: 1, pending: [] };

/** The record a host holds, or why it cannot be used (then it is ignored, and replaced on the next write). */
export function parseHandlerRecord(text: string): { record: HandlerRecord; problem?: string } {
  if (text.trim() === "") return { record: EMPTY_RECORD };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { record: EMPTY_RECORD, problem: `not JSON (${err instanceof Error ? err.message : String(err)})` };
  }
  const parsed = HandlerRecordSchema.safeParse(json);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    return { record: EMPTY_RECORD, problem: `${i?.path.join(".") || "(record)"}: ${i?.message ?? "invalid"}` };
  }
  return { record: parsed.data };
}

export function formatHandlerRecord(record: HandlerRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

const same = (a: Omit<PendingHandler, "since">, b: Omit<PendingHandler, "since">) => a.play === b.play && a.role === b.role && a.handler === b.handler;

export function hasPending(record: HandlerRecord, h: Omit<PendingHandler, "since">): boolean {
  return record.pending.some((p) => same(p, h));
}

/** The record with `h` pending (unchanged when it already is: its first notification counts). */
export function withPending(record: HandlerRecord, h: PendingHandler): HandlerRecord {
  return hasPending(record, h) ? record : { version: 1, pending: [...record.pending, h] };
}

export function withoutPending(record: HandlerRecord, h: Omit<PendingHandler, "since">): HandlerRecord {
  return { version: 1, pending: record.pending.filter((p) => !same(p, h)) };
}

/**
 * A key per play that stays the same from run to run: its name, and for a second play of the
 * same name `name#2` (and so on), so two plays sharing a name do not claim each other's handlers.
 */
export function playKeys(names: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}

/**
 * Per play key: handler name → the role whose handler a `notify` of that name runs (null for
 * the play's own). The first definition wins, as it does when the play runs its handlers.
 */
export type HandlerCatalogue = ReadonlyMap<string, ReadonlyMap<string, string | null>>;

export function handlerCatalogue(plays: readonly { key: string; handlers: readonly { name: string; role: string | null }[] }[]): HandlerCatalogue {
  const out = new Map<string, Map<string, string | null>>();
  for (const p of plays) {
    const m = new Map<string, string | null>();
    for (const h of p.handlers) if (!m.has(h.name)) m.set(h.name, h.role);
    out.set(p.key, m);
  }
  return out;
}

/**
 * Splits a record into what still names a handler of the site (a notify by that name would run
 * the same role's handler) and what no longer does, with the reason for the warning.
 */
export function reconcile(record: HandlerRecord, catalogue: HandlerCatalogue): { kept: PendingHandler[]; stale: { entry: PendingHandler; why: string }[] } {
  const kept: PendingHandler[] = [];
  const stale: { entry: PendingHandler; why: string }[] = [];
  for (const entry of record.pending) {
    const handlers = catalogue.get(entry.play);
    if (!handlers) {
      stale.push({ entry, why: `the site has no play ${JSON.stringify(entry.play)} any more` });
      continue;
    }
    const role = handlers.get(entry.handler);
    if (role === undefined) stale.push({ entry, why: `play ${JSON.stringify(entry.play)} has no handler ${JSON.stringify(entry.handler)} any more` });
    else if (role !== entry.role) {
      stale.push({ entry, why: `handler ${JSON.stringify(entry.handler)} of play ${JSON.stringify(entry.play)} is now ${role === null ? "the play's own" : `role ${role}'s`}, not ${entry.role === null ? "the play's own" : `role ${entry.role}'s`}` });
    } else kept.push(entry);
  }
  return { kept, stale };
}
