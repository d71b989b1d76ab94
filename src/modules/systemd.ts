import { z } from "zod";
import { shellQuote } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { markedSections } from "./marked-sections.js";
import { type Change, ModuleError, defineModule } from "./contract.js";
import { SHOW_PROPS, type Step, type UnitExtra, type UnitProps, parseShow, planUnit, predictText, unitName, unitText } from "./systemd-plan.js";

// systemd: a unit's run state, enablement and mask (Ansible's systemd_service), system scope.
//
// daemon_reload is judged, not blind: it runs when the unit (or, with daemon_reload: true, any
// loaded unit) has NeedDaemonReload=yes, so a second converge reports nothing. daemon_reexec
// and restarted/reloaded always act, as in Ansible, and always count as changes.

const SystemdArgs = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9:_.@\\-]+$/, "a unit name such as nginx, nginx.service or getty@tty1.service")
      .optional()
      .describe("The unit; without a type suffix it means NAME.service, as for systemctl."),
    state: z
      .enum(["started", "stopped", "restarted", "reloaded"])
      .optional()
      .describe("started/stopped: only when it is not so already; restarted/reloaded: every time (always a change). Omitted: the run state is left alone."),
    enabled: z.boolean().optional().describe("Whether the unit starts at boot; omitted: left as it is."),
    masked: z.boolean().optional().describe("Whether the unit is masked (cannot be started at all); omitted: left as it is."),
    // Judged, not blind, so a second converge reports nothing.
    daemon_reload: z
      .boolean()
      .default(false)
      .describe("Reload systemd's configuration first when a loaded unit's file changed on disk (a unit's own changed file is always reloaded before it is acted on)."),
    daemon_reexec: z.boolean().default(false).describe("Re-execute systemd first (every time: always a change)."),
    scope: z.literal("system").default("system").describe("Only the system manager: user units would need the user's own bus."),
    no_block: z.boolean().default(false).describe("Queue start, stop, restart and reload jobs without waiting for them to finish."),
    sleep: z
      .number()
      .int()
      .min(0)
      .max(3600)
      .optional()
      .describe("state=restarted: restart as a stop, this many seconds' pause, then a start (for daemons whose stop returns before the old process is gone)."),
  })
  .refine((a) => a.name !== undefined || (a.state === undefined && a.enabled === undefined && a.masked === undefined), {
    message: "state, enabled and masked need name",
    path: ["name"],
  })
  .refine((a) => a.name !== undefined || a.daemon_reload || a.daemon_reexec, { message: "give name, or daemon_reload / daemon_reexec" })
  .refine((a) => !(a.masked === true && (a.enabled === true || a.state === "started" || a.state === "restarted" || a.state === "reloaded")), {
    message: "a masked unit cannot be enabled or started",
    path: ["masked"],
  });

type SystemdArgs = z.output<typeof SystemdArgs>;

export interface SystemdState {
  unit?: string;
  props?: UnitProps;
  steps: Step[];
  /** The unit is known only after the daemon-reload: what follows it is planned again then. */
  reloadFirst?: boolean;
}

export interface SystemdResult {
  name?: string;
  /** ActiveState after the task (before it, in check mode). */
  state?: string;
  /** UnitFileState after the task. */
  enabled?: string;
  status?: UnitProps;
  /** systemctl steps done (or, in check mode, that would be done). */
  steps: Step[];
}

const PROPS = `-p ${SHOW_PROPS.join(",")}`;
const MARK = "@@dcv-systemd ";

function result(unit: string | undefined, props: UnitProps | undefined, steps: Step[]): SystemdResult {
  if (!unit || !props) return { steps };
  return { name: unit, state: props.ActiveState ?? "", enabled: props.UnitFileState ?? "", status: props, steps };
}

/**
 * One step as shell. start/restart retry twice, a second and then two apart: right after a
 * daemon was killed its old process can still be exiting, and the first start fails with
 * "already running" (docs/debian12-notes.md, 12). A failing step names itself on stderr.
 */
function stepScript(step: Step, unit: string | undefined, noBlock: boolean): string {
  const u = unit ? ` -- ${shellQuote(unit)}` : "";
  const nb = noBlock && ["start", "stop", "restart", "reload"].includes(step) ? " --no-block" : "";
  const cmd = step === "daemon-reload" || step === "daemon-reexec" ? `systemctl ${step}` : `systemctl${nb} ${step}${u}`;
  const tries = step === "start" || step === "restart" ? 3 : 1;
  return `n=1; until out=$(${cmd} 2>&1); do [ $n -lt ${tries} ] || { printf '%s failed: %s\\n' ${shellQuote(`systemctl ${step}`)} "$out" >&2; exit 1; }; sleep $n; n=$((n + 1)); done`;
}

/** The steps as one script; a restart with sleep is stop, sleep, start. */
export function stepsScript(steps: readonly Step[], unit: string | undefined, noBlock: boolean, sleep: number | undefined): string[] {
  return steps.flatMap((s) =>
    s === "restart" && sleep !== undefined && sleep > 0 ? [stepScript("stop", unit, noBlock), `sleep ${sleep}`, stepScript("start", unit, noBlock)] : [stepScript(s, unit, noBlock)],
  );
}

/** What readUnit read: planUnit's extra (a SysV unit's rc.d links) among it. */
interface UnitRead extends UnitExtra {
  props?: UnitProps;
  othersNeedReload: boolean;
  /** For a unit systemd does not know, with daemon_reload: its file (or init script) on disk. */
  onDisk?: string;
}

/**
 * One round trip: the unit's properties; whether other loaded units need a reload (with
 * daemon_reload); a SysV unit's enablement; and, for a unit systemd does not know yet, whether
 * a unit file in systemd's search path (or an init script) would make it known to a daemon-reload.
 */
async function readUnit(sh: RemoteShell, a: SystemdArgs, unit: string | undefined): Promise<UnitRead> {
  const parts: string[] = [];
  if (unit) {
    const u = shellQuote(unit);
    const base = shellQuote(unit.replace(/\.service$/, ""));
    parts.push(
      `s=$(systemctl show ${PROPS} -- ${u}); printf '%s\\n' "$s"`,
      `echo '${MARK}sysv'`,
      `case "$s" in *"SourcePath=/etc/init.d/"*) systemctl is-enabled -- ${u} >/dev/null 2>&1 && echo enabled || echo disabled;; esac`,
    );
    if (a.daemon_reload) {
      parts.push(
        `echo '${MARK}ondisk'`,
        `case "$s" in *"LoadState=not-found"*)`,
        `  for d in $(systemd-analyze unit-paths 2>/dev/null); do [ -e "$d"/${u} ] && { echo "$d"/${u}; break; }; done`,
        ...(unit.endsWith(".service")
          ? [`  [ -x /etc/init.d/${base} ] && { echo /etc/init.d/${base}; /lib/systemd/systemd-sysv-install is-enabled ${base} >/dev/null 2>&1 && echo enabled || echo disabled; };;`]
          : ["  ;;"]),
        "esac",
      );
    }
  }
  // Any loaded unit whose file changed: what an explicit daemon_reload is for.
  if (a.daemon_reload) parts.push(`echo '${MARK}others'`, `systemctl show -p NeedDaemonReload --value '*' 2>/dev/null | grep -c '^yes$'`);
  const r = await sh.run(parts.join("\n"));
  const sec = sections(r.stdout);
  const props = unit ? parseShow(sec.get("") ?? "") : undefined;
  if (unit && !props?.LoadState) throw new ModuleError(`cannot read unit ${unit} from systemd: ${r.stderr.trim() || r.stdout.trim()}`);
  const sysv = (sec.get("sysv") ?? "").trim();
  const [onDisk, onDiskSysv] = (sec.get("ondisk") ?? "").split("\n").filter(Boolean);
  const sysvEnabled = sysv !== "" ? sysv === "enabled" : onDiskSysv !== undefined ? onDiskSysv === "enabled" : undefined;
  return {
    ...(props ? { props } : {}),
    othersNeedReload: Number((sec.get("others") ?? "").trim() || "0") > 0,
    ...(sysvEnabled !== undefined ? { sysvEnabled } : {}),
    ...(onDisk !== undefined ? { onDisk } : {}),
  };
}

const sections = (text: string) => markedSections(text, MARK);

export const systemd = defineModule({
  name: "systemd",
  args: SystemdArgs,
  doc: {
    summary: "A systemd unit's run state, enablement and mask (system units), with daemon-reload when unit files changed on disk.",
    example: 'await h.systemd({ name: "nginx", state: "started", enabled: true });',
    check: "Supported: reports the steps it would take. A unit with no unit file on the host fails the task (unless it is only to be stopped or masked), in check mode too: the package or file that brings it must be there first.",
    diff: "The unit's ActiveState, UnitFileState and LoadState before and after the steps it would take.",
  },
  async probe(ctx, a: SystemdArgs): Promise<SystemdState> {
    const unit = a.name !== undefined ? unitName(a.name) : undefined;
    const read = await readUnit(ctx.sh, a, unit);
    const { props } = read;
    if (unit && props && props.LoadState === "not-found" && a.daemon_reload && read.onDisk !== undefined) {
      // A unit file (or init script) written since systemd last loaded its configuration: the
      // daemon-reload asked for makes it known, as Ansible's systemd reloads before it looks. The
      // steps after it are planned as for the unit freshly loaded, and planned again, from what
      // systemd then says, once the reload has run (apply).
      const sysv = read.onDisk.startsWith("/etc/init.d/");
      const loaded: UnitProps = { ...props, LoadState: "loaded", ActiveState: "inactive", SubState: "dead", UnitFileState: sysv ? "generated" : "disabled", ...(sysv ? { SourcePath: read.onDisk } : {}) };
      const rest = planUnit(unit, loaded, { ...a, daemon_reexec: false, daemon_reload: false }, false, sysv ? { sysvEnabled: read.sysvEnabled ?? false } : {});
      return { unit, props, steps: [...(a.daemon_reexec ? (["daemon-reexec"] as const) : []), "daemon-reload", ...rest], reloadFirst: true };
    }
    const steps = planUnit(unit, props, a, read.othersNeedReload, read);
    return { ...(unit ? { unit } : {}), ...(props ? { props } : {}), steps };
  },
  diff(_a, st): Change | undefined {
    if (!st.steps.length) return undefined;
    const summary = st.steps.join(", ");
    return st.props ? { summary, diffs: [{ label: `${st.unit} (state)`, before: unitText(st.props), after: predictText(st.props, st.steps) }] } : { summary };
  },
  async apply(ctx, a, st): Promise<SystemdResult> {
    // With reloadFirst, the reload runs on its own and what follows it is planned from what systemd then says.
    let first: Step[] = [];
    let rest = st.steps;
    if (st.reloadFirst) {
      first = st.steps.filter((s) => s === "daemon-reexec" || s === "daemon-reload");
      const r = await ctx.sh.run(stepsScript(first, undefined, false, undefined).join("\n"));
      if (r.rc !== 0) throw new ModuleError(`systemd: ${r.stderr.trim()}`, r);
      const read = await readUnit(ctx.sh, a, st.unit);
      rest = planUnit(st.unit, read.props, { ...a, daemon_reexec: false, daemon_reload: false }, false, read);
    }
    const script = [...stepsScript(rest, st.unit, a.no_block, a.sleep), ...(st.unit ? [`systemctl show ${PROPS} -- ${shellQuote(st.unit)}`] : [])];
    const r = await ctx.sh.run(script.join("\n"));
    if (r.rc !== 0) {
      const status = st.unit ? await ctx.sh.run(`systemctl status --no-pager -n 10 -- ${shellQuote(st.unit)}`) : undefined;
      throw new ModuleError(`${st.unit ?? "systemd"}: ${r.stderr.trim()}`, { rc: r.rc, stdout: status?.stdout ?? r.stdout, stderr: r.stderr });
    }
    return result(st.unit, st.unit ? parseShow(r.stdout) : undefined, [...first, ...rest]);
  },
  unchanged(_a, st): SystemdResult {
    return result(st.unit, st.props, st.steps);
  },
});
