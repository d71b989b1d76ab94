/**
 * Parsing what `getent` and `id` print about accounts: pure, so the probes' output is unit-tested
 * against real samples. Fields are separated by \x1f (SEP) in the probe scripts' own lines.
 */
export const SEP = "\x1f";

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

/** One `getent group` line: name:x:gid:member,member. */
export function parseGroupLine(line: string): GroupEntry | undefined {
  const f = line.split(":");
  if (f.length < 4 || f[0] === "" || !/^\d+$/.test(f[2] ?? "")) return undefined;
  return { name: f[0] ?? "", gid: Number(f[2]), members: (f[3] ?? "").split(",").filter(Boolean) };
}

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

/** One `getent passwd` line: name:x:uid:gid:gecos:home:shell. */
export function parsePasswdLine(line: string): PasswdEntry | undefined {
  const f = line.split(":");
  if (f.length !== 7 || !/^\d+$/.test(f[2] ?? "") || !/^\d+$/.test(f[3] ?? "")) return undefined;
  return { name: f[0] ?? "", uid: Number(f[2]), gid: Number(f[3]), comment: f[4] ?? "", home: f[5] ?? "", shell: f[6] ?? "" };
}

/** The probe's `key SEP value [SEP value...]` lines, by key (a repeated key keeps every value list). */
export function parseSections(stdout: string): Map<string, string[][]> {
  const out = new Map<string, string[][]>();
  for (const line of stdout.split("\n")) {
    if (line === "") continue;
    const [key = "", ...values] = line.split(SEP);
    const list = out.get(key) ?? [];
    list.push(values);
    out.set(key, list);
  }
  return out;
}

/** The first value of a section, or undefined. */
export function first(sections: Map<string, string[][]>, key: string): string | undefined {
  return sections.get(key)?.[0]?.[0];
}
