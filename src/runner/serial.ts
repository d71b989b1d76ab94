/** A `serial` item: a count or a percentage of the play's hosts (at least one host). */
function size(item: number | string, total: number): number {
  if (typeof item === "number") return item;
  // Ansible's pct_to_int: only "N%" is a percentage; any other string is a count.
  if (!item.trim().endsWith("%")) return Number.parseInt(item, 10);
  return Math.max(1, Math.floor((Number.parseFloat(item) / 100) * total));
}

/**
 * Splits a play's hosts into batches as Ansible's `serial` does: each item of a list gives the
 * next batch's size and the last item repeats; no serial means one batch of every host.
 */
export function serialBatches<T>(hosts: readonly T[], serial: number | string | readonly (number | string)[] | undefined): T[][] {
  if (serial === undefined || hosts.length === 0) return hosts.length ? [[...hosts]] : [];
  const items = Array.isArray(serial) ? serial : [serial as number | string];
  if (items.length === 0) return [[...hosts]];
  const out: T[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = size(items[Math.min(k, items.length - 1)] as number | string, hosts.length);
    // As Ansible: a size of 0 or less (or not a number) puts every remaining host in one batch.
    if (!(n > 0)) {
      out.push(hosts.slice(i));
      break;
    }
    out.push(hosts.slice(i, i + n));
    i += n;
    k++;
  }
  return out;
}
