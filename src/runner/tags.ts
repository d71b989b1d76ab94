/**
 * Ansible's tag selection (Taggable.evaluate_tags): `always` runs unless skipped by name (or by
 * `--skip-tags all` together with `always`), `never` runs only when one of its tags is asked for,
 * `--tags` keeps tasks sharing a tag (`tagged`, `untagged` and `all` are special; no `--tags`
 * means `all`), and `--skip-tags` removes tasks sharing a tag (`all` removes all but `always`).
 */
export function selectedByTags(taskTags: readonly string[], only: readonly string[], skip: readonly string[]): boolean {
  // An untagged task carries the implicit tag "untagged", so `--tags untagged` selects it.
  const tagged = taskTags.length > 0;
  const tags = new Set(tagged ? taskTags : ["untagged"]);
  const shares = (list: readonly string[]) => list.some((t) => tags.has(t));
  const wanted = only.length ? only : ["all"];
  let run: boolean;
  if (tags.has("always")) run = true;
  else if (wanted.includes("all") && !tags.has("never")) run = true;
  else if (shares(wanted)) run = true;
  else run = wanted.includes("tagged") && tagged && !tags.has("never");
  if (run && skip.length) {
    if (skip.includes("all")) run = tags.has("always") && !skip.includes("always");
    else if (shares(skip)) run = false;
    else if (skip.includes("tagged") && tagged) run = false;
  }
  return run;
}
