import { z } from "zod";
import { putFile } from "../remote/files.js";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { type TextFileProbe, probeTextFile } from "../remote/text-file.js";
import { type Change, ModuleError, defineModule } from "./contract.js";
import { readLines } from "./line-edit.js";
import { fileText } from "./text-edit.js";

// timezone: the system's time zone (and whether the RTC keeps local time), as
// community.general.timezone does it on Linux. With a working timedatectl (systemd, containers
// included), through timedatectl alone. Without, Debian's way: /etc/timezone, the /etc/localtime
// link, then `dpkg-reconfigure tzdata`. The hardware clock is then left alone: Ansible would run
// `hwclock --systohc`, which needs an RTC a container or most VMs do not give, so hwclock is
// refused there instead.

const ZONEINFO = "/usr/share/zoneinfo";
const TZ_FILE = "/etc/timezone";

const TimezoneArgs = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_+-][A-Za-z0-9._+-]*(\/[A-Za-z0-9_+-][A-Za-z0-9._+-]*)*$/, "a time zone name such as Europe/Paris or Etc/UTC")
      .optional()
      .describe("The time zone, a file of /usr/share/zoneinfo; omitted: left as it is."),
    hwclock: z.enum(["local", "UTC"]).optional().describe("Whether the hardware clock keeps local time or UTC (timedatectl set-local-rtc); omitted: left as it is."),
  })
  .refine((a) => a.name !== undefined || a.hwclock !== undefined, { message: "one of name and hwclock is required", path: ["name"] });

type TimezoneArgs = z.output<typeof TimezoneArgs>;

export interface TimezoneValues {
  name?: string;
  hwclock?: string;
}

export type TimezoneState =
  | { mode: "timedatectl"; zoneExists: boolean; current: TimezoneValues }
  | {
      mode: "files";
      zoneExists: boolean;
      /** /etc/timezone as read. */
      file: TextFileProbe;
      /** The name as Ansible's module reads it from /etc/timezone and /etc/localtime. */
      current: TimezoneValues;
    };

/** The first word of the first line that starts with one in /etc/timezone, or undefined. */
export function timezoneFileName(text: string | undefined): string | undefined {
  return text === undefined ? undefined : /^(\S+)/m.exec(text)?.[1];
}

/** The zone a /etc/localtime link names ("n/a" when its target is not under a zoneinfo directory). */
export function linkedZone(target: string): string {
  return /\/(?:usr\/share|etc)\/zoneinfo\/(.*)/.exec(target)?.[1] ?? "n/a";
}

/**
 * /etc/timezone with `name` in it, as Ansible's module writes it: every line starting with a word
 * removed, the name put where the first one was (or first).
 */
export function editTimezoneFile(text: string, name: string): string {
  const lines = readLines(text);
  const matched = lines.flatMap((l, i) => (/^\S/.test(l) ? [i] : []));
  const kept = lines.filter((_, i) => !matched.includes(i));
  kept.splice(matched[0] ?? 0, 0, `${name}\n`);
  return kept.join("");
}

/** Without timedatectl, the zone as Ansible's module decides it: /etc/timezone's word, unless /etc/localtime says otherwise. */
export function filesZone(planned: string, fileName: string | undefined, localtime: { link?: string; exists: boolean; same: boolean }): string {
  const value = fileName ?? "n/a";
  if (value !== planned) return value;
  if (localtime.link !== undefined) {
    if (!localtime.exists) return "n/a";
    const linked = linkedZone(localtime.link);
    return linked !== planned ? linked : value;
  }
  return localtime.same ? value : "n/a";
}

/** One round trip: which way this host is managed, whether the zone exists, and the current values. */
async function probeState(sh: RemoteShell, args: TimezoneArgs): Promise<{ lines: Record<string, string> }> {
  const n = shellQuote(args.name ?? "");
  const r = await sh.run(`n=${n}
z=0; [ -n "$n" ] && [ -f ${ZONEINFO}/"$n" ] && z=1
echo "zone=$z"
if command -v timedatectl >/dev/null 2>&1 && s=$(timedatectl show -p Timezone -p LocalRTC 2>/dev/null); then
  echo mode=timedatectl; printf '%s\\n' "$s"
else
  echo mode=files
  if [ -L /etc/localtime ]; then printf 'link=%s\\n' "$(readlink /etc/localtime)"; fi
  e=0; [ -e /etc/localtime ] && e=1; echo "exists=$e"
  s=0; [ -n "$n" ] && cmp -s /etc/localtime ${ZONEINFO}/"$n" && s=1; echo "same=$s"
fi`);
  if (r.rc !== 0) throw new ModuleError(`cannot read the time zone: ${r.stderr.trim() || `rc ${r.rc}`}`, r);
  const lines: Record<string, string> = {};
  for (const l of r.stdout.split("\n")) {
    const eq = l.indexOf("=");
    if (eq > 0) lines[l.slice(0, eq)] = l.slice(eq + 1);
  }
  return { lines };
}

async function probe(sh: RemoteShell, args: TimezoneArgs): Promise<TimezoneState> {
  const { lines } = await probeState(sh, args);
  const zoneExists = lines.zone === "1";
  if (lines.mode === "timedatectl") {
    const current: TimezoneValues = {};
    if (args.name !== undefined) current.name = lines.Timezone ?? "n/a";
    if (args.hwclock !== undefined) current.hwclock = lines.LocalRTC === "yes" ? "local" : "UTC";
    return { mode: "timedatectl", zoneExists, current };
  }
  const file = await probeTextFile(sh, TZ_FILE);
  const current: TimezoneValues = {};
  if (args.name !== undefined) {
    const localtime = { ...(lines.link !== undefined ? { link: lines.link } : {}), exists: lines.exists === "1", same: lines.same === "1" };
    current.name = filesZone(args.name, timezoneFileName(fileText(file).text), localtime);
  }
  return { mode: "files", zoneExists, file, current };
}

function wanted(args: TimezoneArgs): TimezoneValues {
  return { ...(args.name !== undefined ? { name: args.name } : {}), ...(args.hwclock !== undefined ? { hwclock: args.hwclock } : {}) };
}

/** The keys to change; the argument errors a probe reveals are raised here, before anything is done. */
function toChange(args: TimezoneArgs, st: TimezoneState): (keyof TimezoneValues)[] {
  if (args.name !== undefined && !st.zoneExists) throw new ModuleError(`given timezone "${args.name}" is not available (no ${ZONEINFO}/${args.name}: is tzdata installed?)`);
  const want = wanted(args);
  const keys = (["name", "hwclock"] as const).filter((k) => want[k] !== undefined && want[k] !== st.current[k]);
  if (st.mode === "files" && keys.includes("hwclock")) {
    throw new ModuleError("hwclock can only be set through timedatectl, which does not work on this host (without it, the hardware clock would need hwclock --systohc, which a container cannot do)");
  }
  return keys;
}

const show = (v: TimezoneValues) => Object.entries(v).map(([k, x]) => `${k}: ${x}\n`).join("");

async function run(sh: RemoteShell, cmd: string, what: string): Promise<void> {
  const r = await sh.run(cmd);
  if (r.rc !== 0) throw new ModuleError(`${what} failed: ${r.stderr.trim() || r.stdout.trim() || `rc ${r.rc}`}`, r);
}

export interface TimezoneResult {
  /** The values asked for, as they were before the task and are after it (Ansible's diff). */
  before: TimezoneValues;
  after: TimezoneValues;
}

/** timezone: the time zone of the system (and the RTC's local/UTC setting). */
export const timezone = defineModule({
  name: "timezone",
  args: TimezoneArgs,
  doc: {
    summary: "The system's time zone, and whether the hardware clock keeps local time, set through timedatectl (or, without it, /etc/timezone, /etc/localtime and dpkg-reconfigure tzdata).",
    example: 'await h.timezone({ name: "Etc/UTC" });',
    diff: "The time zone (and hardware clock setting) before and after.",
  },
  probe: (ctx, args) => probe(ctx.sh, args),
  diff(args, st): Change | undefined {
    const keys = toChange(args, st);
    if (keys.length === 0) return undefined;
    const want = wanted(args);
    return {
      summary: keys.map((k) => `${k} ${st.current[k]} -> ${want[k]}`).join(", "),
      diffs: [{ label: "timezone", before: show(st.current), after: show(want) }],
    };
  },
  async apply(ctx, args, st): Promise<TimezoneResult> {
    const keys = toChange(args, st);
    const name = args.name ?? "";
    if (st.mode === "timedatectl") {
      if (keys.includes("name")) await run(ctx.sh, `timedatectl set-timezone ${shellQuote(name)}`, `timedatectl set-timezone ${name}`);
      if (keys.includes("hwclock")) await run(ctx.sh, `timedatectl set-local-rtc ${args.hwclock === "local" ? "yes" : "no"}`, `timedatectl set-local-rtc`);
    } else if (keys.includes("name")) {
      await putFile(ctx.sh, TZ_FILE, editTimezoneFile(fileText(st.file).text ?? "", name));
      // The link replaced in one rename, then tzdata told (as Ansible does on Debian).
      const target = shellQuote(`${ZONEINFO}/${name}`);
      await run(ctx.sh, `set -e; t=/etc/.localtime.dcv-tmp.$$; ln -sfn ${target} "$t"; mv -fT "$t" /etc/localtime`, "replacing /etc/localtime");
      await run(ctx.sh, "command -v dpkg-reconfigure >/dev/null || exit 0; DEBIAN_FRONTEND=noninteractive dpkg-reconfigure --frontend noninteractive tzdata", "dpkg-reconfigure tzdata");
    }
    // As Ansible's module: read back, and fail when the host did not take the change.
    const now = await probe(ctx.sh, args);
    const want = wanted(args);
    if (keys.some((k) => now.current[k] !== want[k])) {
      throw new ModuleError(`still not desired state, though changes have made - planned: ${JSON.stringify(want)}, after: ${JSON.stringify(now.current)}`);
    }
    return { before: st.current, after: now.current };
  },
  unchanged: (_args, st): TimezoneResult => ({ before: st.current, after: st.current }),
});
