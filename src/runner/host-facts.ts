import { factsAsVars } from "../facts/as-vars.js";
import { type Facts, gatherFacts } from "../facts/gather.js";
import type { PythonMemo } from "../facts/known-python.js";
import { dropSuperseded } from "../facts/module-facts.js";
import type { RemoteShell } from "../remote/shell.js";
import type { HostRecord } from "./play.js";

// A host's facts are gathered once in a run: a later play that gathers facts takes them as they
// are (as Ansible does with `gathering = smart` and a fact cache), so a site of five plays pays
// for one gather per host, not five. They are gathered again by a setup task (h.gatherFacts()),
// which replaces them for the rest of the run; by a play whose become user is not the one they
// were gathered as (user_id, user_dir, env describe that user); and after the host was lost.

type FactsOf = Pick<HostRecord, "facts" | "gatheredAs" | "moduleFacts">;

/** Whether the host's facts, gathered earlier in the run as `user`, still stand for a play that gathers as `user`. */
export function factsHold(rec: FactsOf, user: string | undefined): boolean {
  return rec.facts !== undefined && rec.gatheredAs !== undefined && rec.gatheredAs.user === user;
}

/**
 * Gathers the host's facts on `sh` (a shell of `user`): they replace the earlier ones for the rest
 * of the run. `python`: the host's python facts as known from an earlier run (the fast path's).
 */
export async function gatherInto(rec: FactsOf, sh: RemoteShell, user: string | undefined, python?: PythonMemo): Promise<Facts> {
  const facts = await gatherFacts(sh, python);
  rec.facts = facts;
  rec.gatheredAs = { user };
  dropSuperseded(rec.moduleFacts, new Set(Object.keys(factsAsVars(facts).ansible_facts as Record<string, unknown>)));
  return facts;
}

/**
 * The host went away (it may have rebooted, its addresses changed): its facts stay readable, but
 * the next play that gathers facts gathers them again.
 */
export function factsStale(rec: FactsOf): void {
  rec.gatheredAs = undefined;
}
