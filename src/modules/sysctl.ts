import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import { type TextFileProbe, parseTextFile, textFileScript } from "../remote/text-file.js";
import { AbsPath } from "./args.js";
import { type Change, ModuleError, type TextDiff, defineModule } from "./contract.js";
import { readLines } from "./line-edit.js";
import { type EditPlan, applyEdit, fileText, planEdit } from "./text-edit.js";

// sysctl: a kernel parameter persisted in a sysctl.d file and applied live, as ansible.posix.sysctl.

/** Whitespace-separated values compare as their words: "32768\t60999" (sysctl -n) = "32768 60999". */
export function sysctlValue(v: string): string {
  return v.trim().split(/\s+/).join(" ");
}

/** sysctl accepts "/" as well as "." between the parts of a key. */
function sameKey(a: string, b: string): boolean {
  return a.replaceAll("/", ".") === b.replaceAll("/", ".");
}

/** A sysctl.d line's key and value, or undefined for comments, blanks and other lines. */
export function parseSysctlLine(line: string): { key: string; value: string } | undefined {
  const t = line.trim();
  if (t === "" || t.startsWith("#") || t.startsWith(";") || !t.includes("=")) return undefined;
  const eq = t.indexOf("=");
  // A leading "-" tells systemd-sysctl to ignore errors for the key; it is still the key.
  return { key: t.slice(0, eq).trim().replace(/^-/, ""), value: t.slice(eq + 1).trim() };
}

export interface SysctlEdit {
  content: string;
  changed: boolean;
  /** The key's value in the file before the edit (the last line for it wins, as for sysctl). */
  before?: string;
}

/**
 * Sets (value) or removes (undefined) a key in a sysctl.d file's text. Nothing changes when the
 * effective value (the last line for the key) is already right, however it is spelled; otherwise
 * the first line for the key becomes `key=value`, later ones go, and a missing key is appended.
 * Other lines stay byte for byte.
 */
export function editSysctl(text: string, name: string, value: string | undefined): SysctlEdit {
  const lines = readLines(text);
  const at: number[] = [];
  let before: string | undefined;
  for (const [i, l] of lines.entries()) {
    const kv = parseSysctlLine(l);
    if (kv && sameKey(kv.key, name)) {
      at.push(i);
      before = kv.value;
    }
  }
  const known = before !== undefined ? { before } : {};
  if (value === undefined) {
    if (at.length === 0) return { content: text, changed: false };
    return { content: lines.filter((_, i) => !at.includes(i)).join(""), changed: true, ...known };
  }
  if (before !== undefined && sysctlValue(before) === sysctlValue(value)) return { content: text, changed: false, ...known };
  const line = `${name}=${value}\n`;
  const first = at[0];
  if (first === undefined) {
    const last = lines.at(-1);
    if (last !== undefined && !last.endsWith("\n")) lines[lines.length - 1] = `${last}\n`;
    lines.push(line);
    return { content: lines.join(""), changed: true, ...known };
  }
  const out = lines.flatMap((l, i) => (i === first ? [line] : at.includes(i) ? [] : [l]));
  return { content: out.join(""), changed: true, ...known };
}

// Ansible's boolean spellings become 1/0, as ansible.posix.sysctl does.
const TRUE = new Set(["y", "yes", "on", "1", "true", "t"]);
const FALSE = new Set(["n", "no", "off", "0", "false", "f"]);

const Value = z.union([z.string(), z.number(), z.boolean()]).transform((v) => {
  if (typeof v === "boolean") return v ? "1" : "0";
  const s = String(v).trim();
  if (TRUE.has(s.toLowerCase())) return "1";
  if (FALSE.has(s.toLowerCase())) return "0";
  return s;
});

const SysctlArgs = z
  .strictObject({
    name: z.string().regex(/^[^\s=-][^\s=]*$/, "a sysctl key such as net.ipv4.ip_forward").describe("The key, e.g. net.ipv4.ip_nonlocal_bind (/ as well as . between its parts)."),
    value: Value.pipe(z.string().regex(/^[^\n]*$/, "one line"))
      .optional()
      .describe("The value; true/false (and yes/no, on/off) are written 1/0. Needed with state=present."),
    state: z.enum(["present", "absent"]).default("present").describe("present: the key is set in sysctl_file; absent: its lines are removed from it."),
    sysctl_file: AbsPath.default("/etc/sysctl.d/99-do-converge.conf").describe("Where the setting is persisted (read by systemd-sysctl at boot)."),
    reload: z.boolean().default(true).describe("Set the value live (sysctl -w) when the file changed."),
    sysctl_set: z.boolean().default(false).describe("Compare the live value on every run and set it when it differs, file changed or not."),
    ignoreerrors: z.boolean().default(false).describe("A key this kernel does not know is not an error: only the file is managed."),
  })
  .refine((a) => a.state === "absent" || a.value !== undefined, { message: "value is required with state=present", path: ["value"] });

type SysctlArgs = z.output<typeof SysctlArgs>;

export interface SysctlState {
  file: TextFileProbe;
  /** `sysctl -n`'s output, or undefined when the key is unknown here. */
  live?: string;
  /** Why reading the live value failed. */
  liveError?: string;
  /** Whether /proc/sys lets this key be written (in a container only net.* is). */
  writable: boolean;
}

function procPath(name: string): string {
  return `/proc/sys/${name.includes("/") ? name : name.replaceAll(".", "/")}`;
}

interface SysctlPlan {
  edit: EditPlan;
  /** The live value to set, when it must change. */
  setLive?: string;
  before?: string;
}

function plan(args: SysctlArgs, st: SysctlState): SysctlPlan {
  const { text } = fileText(st.file);
  const want = args.state === "present" ? args.value : undefined;
  const e = editSysctl(text ?? "", args.name, want);
  const edit = planEdit(args.sysctl_file, st.file, e.changed ? e.content : undefined, "file", {});
  if (want === undefined) return { edit };
  if (st.live === undefined) {
    if (args.ignoreerrors) return { edit };
    throw new ModuleError(`unknown sysctl key ${args.name} on this host: ${st.liveError ?? "sysctl -n failed"}`);
  }
  const liveDiffers = sysctlValue(st.live) !== sysctlValue(want);
  const setLive = liveDiffers && (args.sysctl_set || (args.reload && edit.content !== undefined));
  if (setLive && !st.writable) {
    throw new ModuleError(
      `${args.name} cannot be set on this host: ${procPath(args.name)} is read-only here (a container typically lets only net.* keys be written); its live value is ${sysctlValue(st.live)}, wanted ${want}; nothing was changed`,
    );
  }
  return { edit, ...(setLive ? { setLive: want, before: sysctlValue(st.live) } : {}) };
}

export interface SysctlResult {
  name: string;
  value?: string;
  sysctl_file: string;
  /** The live value after the task (unknown keys with ignoreerrors: absent). */
  live?: string;
}

export const sysctl = defineModule({
  name: "sysctl",
  args: SysctlArgs,
  doc: {
    summary: "A kernel parameter persisted in a sysctl.d file and set live (sysctl -w), as ansible.posix.sysctl.",
    example: 'await h.sysctl({ name: "net.ipv4.ip_nonlocal_bind", value: 1 });',
    diff: "The sysctl.d file's content before and after, and the live value before and after when it is set.",
  },
  async probe(ctx, args): Promise<SysctlState> {
    // One round trip: the file (stat + content) and the live value with its writability.
    const script = `( ${textFileScript(args.sysctl_file)}
); t=$?; printf '\\n--sysctl-- %s\\n' "$t"
v=$(sysctl -n ${shellQuote(args.name)} 2>&1); rc=$?
w=0; [ -w ${shellQuote(procPath(args.name))} ] && w=1
printf '%s %s\\n%s' "$rc" "$w" "$v"`;
    const r = await ctx.sh.run(script);
    const cut = r.stdout.lastIndexOf("\n--sysctl-- ");
    if (cut < 0) throw new ModuleError(`cannot read sysctl state: ${r.stderr.trim() || r.stdout.trim()}`, r);
    const tail = r.stdout.slice(cut + "\n--sysctl-- ".length);
    const [t = "1", sys = "", ...rest] = tail.split("\n");
    const file = parseTextFile(ctx.host, args.sysctl_file, { stdout: r.stdout.slice(0, cut), stderr: r.stderr, rc: Number(t) });
    const [rc, w] = sys.split(" ");
    const out = rest.join("\n");
    return { file, writable: w === "1", ...(rc === "0" ? { live: out } : { liveError: out.trim() }) };
  },
  diff(args, st): Change | undefined {
    const p = plan(args, st);
    const parts: string[] = [];
    const diffs: TextDiff[] = [...p.edit.diffs];
    if (p.edit.content) parts.push(st.file.file.type === "absent" ? `create ${args.sysctl_file}` : args.state === "absent" ? `remove from ${args.sysctl_file}` : `set in ${args.sysctl_file}`);
    if (p.setLive !== undefined) {
      parts.push(`live ${p.before} -> ${p.setLive}`);
      diffs.push({ label: `${args.name} (live)`, before: `${args.name} = ${p.before}\n`, after: `${args.name} = ${p.setLive}\n` });
    }
    return parts.length ? { summary: parts.join(", "), diffs } : undefined;
  },
  async apply(ctx, args, st): Promise<SysctlResult> {
    const p = plan(args, st);
    // Live first: a value the kernel refuses is not persisted either, and the next run retries.
    if (p.setLive !== undefined) {
      const r = await ctx.sh.run(`sysctl -w ${shellQuote(`${args.name}=${p.setLive}`)} >/dev/null`);
      if (r.rc !== 0) throw new ModuleError(`cannot set ${args.name} live: ${r.stderr.trim()}`, r);
    }
    await applyEdit(ctx, st.file, p.edit, {});
    return result(args, st, p.setLive);
  },
  unchanged: (args, st): SysctlResult => result(args, st, undefined),
});

function result(args: SysctlArgs, st: SysctlState, setLive: string | undefined): SysctlResult {
  const live = setLive ?? (st.live !== undefined ? sysctlValue(st.live) : undefined);
  return { name: args.name, ...(args.value !== undefined ? { value: args.value } : {}), sysctl_file: args.sysctl_file, ...(live !== undefined ? { live } : {}) };
}
