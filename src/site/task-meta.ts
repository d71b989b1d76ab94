/** Ansible's task keywords that ride in a module call's optional second argument. */
export interface TaskMeta<R> {
  /** Shown in output; defaults to the module name and its main argument. */
  name?: string;
  tags?: string[];
  /** true: become root; a string: become that user; false: the login user. */
  become?: boolean | string;
  /** Overrides the module's own judgement of `changed`. */
  changedWhen?: boolean | ((r: R) => boolean);
  /** Overrides the module's own judgement of failure (a command's rc != 0). */
  failedWhen?: boolean | ((r: R) => boolean);
  /** Report a failure but carry on with the host's next task. */
  ignoreErrors?: boolean;
  /** Run again up to `retries` times, `delay` seconds apart, until `until` holds. */
  retries?: number;
  delay?: number;
  until?: (r: R) => boolean;
  /** Handlers to run (once, at the end of the play) when this task changed something. */
  notify?: string | string[];
  /** Run on another inventory host, or "localhost" (the control node), with this host's vars. */
  delegateTo?: string;
  /** Force check mode on (true) or off (false) for this task only. */
  checkMode?: boolean;
  /** Force --diff on or off for this task only. */
  diff?: boolean;
  /**
   * Environment variables of every command the module runs on the host (Ansible's `environment`):
   * exported in the task's shell for this task only, over the fixed LC_ALL, LANG and PATH.
   */
  environment?: Record<string, string>;
  /** Hide arguments, results and diffs from all output. */
  noLog?: boolean;
  /**
   * The task only reads (a command that reports state): it runs in check mode too and is never
   * changed (unless checkMode or changedWhen say otherwise), and running it does not make the
   * play's snapshot of the host stale (docs/fast-path.md). Promise it only of a command that
   * writes nothing on the hosts: a later task would then be answered from what it wrote over.
   */
  readsOnly?: boolean;
}

/** What a task call returns: the module's result plus its status, as Ansible's `register`. */
export type TaskResult<R> = R & {
  changed: boolean;
  failed: boolean;
  skipped: boolean;
  msg?: string;
};
