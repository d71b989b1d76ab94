/** Levenshtein distance: the fewest single-character edits from a to b. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * The names close to what was typed, closest first: a few edits away (a typo), or containing it
 * or contained in it (`mysql` finds mysql_db, mysql_user, ...). A collection-qualified name
 * (`ansible.builtin.cpy`) is judged by its last part.
 */
export function closeMatches(typed: string, names: readonly string[], max = 5): string[] {
  const lower = typed.toLowerCase();
  // Ansible's collection-qualified name (ansible.builtin.copy) is that module, and no other.
  const short = lower.slice(lower.lastIndexOf(".") + 1);
  const exact = names.find((n) => n.toLowerCase() === short);
  if (exact !== undefined) return [exact];
  const scored = names
    .map((name) => {
      const n = name.toLowerCase();
      const edits = distance(short, n);
      const contains = (short.length >= 3 && n.includes(short)) || (n.length >= 3 && short.includes(n));
      return { name, edits, close: edits <= Math.max(2, Math.floor(n.length / 3)) || contains };
    })
    .filter((s) => s.close);
  return scored
    .sort((a, b) => a.edits - b.edits || a.name.localeCompare(b.name))
    .slice(0, max)
    .map((s) => s.name);
}
