import type { RunOptions } from "./options.js";

// The run's own variables that Ansible's VariableManager adds to every task's (its "magic"
// variables about the play and the command line), as real roles read them: `when:
// ansible_check_mode`, `ansible_version.full is version('2.12', '>=')`, `with_items: "{{
// ansible_play_hosts | difference(...) }}"`. They are data (never templated) and outrank the
// inventory, as in Ansible. docs/variables.md lists them and what differs.

/**
 * The ansible-core release whose semantics the engine follows (templates, variables, facts,
 * inventories are checked against it), given to roles that test `ansible_version`.
 */
export const ANSIBLE_VERSION = { full: "2.14.18", major: 2, minor: 14, revision: 18, string: "2.14.18" } as const;

/** The names the run gives (with hostvars and the facts: see run-provided-vars.ts). */
export const RUN_MAGIC_NAMES: ReadonlySet<string> = new Set([
  "ansible_check_mode",
  "ansible_diff_mode",
  "ansible_version",
  "ansible_forks",
  "ansible_verbosity",
  "ansible_run_tags",
  "ansible_skip_tags",
  "ansible_limit",
  "ansible_play_name",
  "ansible_play_hosts_all",
  "ansible_play_hosts",
  "ansible_play_batch",
  "play_hosts",
]);

/** What the variables describe: the run's options, and the play as a host starts it. */
export interface MagicVarsInput {
  readonly options: Pick<RunOptions, "check" | "diff" | "forks" | "verbosity" | "tags" | "skipTags" | "limit">;
  readonly play?: {
    readonly name: string;
    /** Every host the play selected (with --limit), in inventory order. */
    readonly hostsAll: readonly string[];
    /** The serial batch the host is in. */
    readonly batch: readonly string[];
    /** Hosts out of the run when the host starts the play (failed or unreachable). */
    readonly dead: (host: string) => boolean;
  };
}

/**
 * The variables for one host's run of a play (or, without a play, those `template render`
 * can know). `ansible_play_hosts` is taken when the host starts the play: hosts do not wait
 * for each other within a play here, so a peer that fails later in the same play is still
 * listed (Ansible removes it at the next task).
 */
export function runMagicVars(input: MagicVarsInput): Record<string, unknown> {
  const o = input.options;
  const out: Record<string, unknown> = {
    ansible_check_mode: o.check,
    ansible_diff_mode: o.diff,
    ansible_version: { ...ANSIBLE_VERSION },
    ansible_forks: o.forks,
    ansible_verbosity: o.verbosity,
    // Ansible's defaults: every task runs (`all`), none is skipped.
    ansible_run_tags: o.tags.length > 0 ? [...o.tags] : ["all"],
    ansible_skip_tags: [...o.skipTags],
  };
  if (o.limit !== undefined) out["ansible_limit"] = o.limit;
  const play = input.play;
  if (play !== undefined) {
    const live = (hosts: readonly string[]) => hosts.filter((h) => !play.dead(h));
    out["ansible_play_name"] = play.name;
    out["ansible_play_hosts_all"] = [...play.hostsAll];
    out["ansible_play_hosts"] = live(play.hostsAll);
    out["ansible_play_batch"] = live(play.batch);
    out["play_hosts"] = live(play.batch);
  }
  return out;
}

/** Those that need neither a play nor the run's options: for `template render`, outside any run. */
export function standaloneMagicVars(): Record<string, unknown> {
  return { ansible_check_mode: false, ansible_diff_mode: false, ansible_version: { ...ANSIBLE_VERSION } };
}
