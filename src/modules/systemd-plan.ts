import { ModuleError } from "./contract.js";

// Pure parts of the systemd module: `systemctl show` output and the ordered list of systemctl
// steps that bring a unit to the wanted state (Ansible's systemd_service semantics).

export const SHOW_PROPS = ["Id", "LoadState", "ActiveState", "SubState", "UnitFileState", "NeedDaemonReload", "FragmentPath", "SourcePath", "CanReload"] as const;

export type UnitProps = Record<string, string>;

/** `systemctl show` output (KEY=value lines, in systemd's order) as a record. */
export function parseShow(text: string): UnitProps {
  const out: UnitProps = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i > 0) out[line.slice(0, i)] = line.slice(i + 1);
  }
  return out;
}

const UNIT_TYPES = /\.(service|socket|device|mount|automount|swap|target|path|timer|slice|scope)$/;

/** systemctl's own default: a name without a unit type means a service. */
export function unitName(name: string): string {
  return UNIT_TYPES.test(name) ? name : `${name}.service`;
}

export const isRunning = (p: UnitProps) => ["active", "activating", "reloading"].includes(p.ActiveState ?? "");
export const isMasked = (p: UnitProps) => p.LoadState === "masked" || (p.UnitFileState ?? "").startsWith("masked");
const ENABLED = ["enabled", "enabled-runtime", "alias"];
/** Unit file states `systemctl enable/disable` cannot change. */
const FIXED = ["static", "generated", "transient"];

export type Step = "daemon-reexec" | "daemon-reload" | "unmask" | "mask" | "enable" | "disable" | "start" | "stop" | "restart" | "reload";

export interface UnitWant {
  state?: "started" | "stopped" | "restarted" | "reloaded" | undefined;
  enabled?: boolean | undefined;
  masked?: boolean | undefined;
  daemon_reload: boolean;
  daemon_reexec: boolean;
}

/**
 * A unit systemd made from a SysV init script (/etc/init.d/NAME, by systemd-sysv-generator): its
 * UnitFileState is "generated", and whether it is enabled is the script's rc.d links, which
 * `systemctl enable/disable` make and remove (through systemd-sysv-install), as Ansible's
 * systemd module reads them (`systemctl is-enabled`).
 */
export const isSysv = (p: UnitProps) => (p.SourcePath ?? "").startsWith("/etc/init.d/");

/** What the probe read beyond `systemctl show`. */
export interface UnitExtra {
  /** For a SysV unit: whether its rc.d links enable it (systemctl is-enabled). */
  sysvEnabled?: boolean;
}

/**
 * The steps, in Ansible's order: daemon-reexec, daemon-reload, (un)mask, enable/disable, then the
 * run state. A unit whose file changed on disk (NeedDaemonReload) gets daemon-reload first, asked
 * or not: acting on the old definition would be wrong. restarted/reloaded always act;
 * started/stopped only when the unit is not already so.
 */
export function planUnit(unit: string | undefined, p: UnitProps | undefined, want: UnitWant, othersNeedReload: boolean, extra: UnitExtra = {}): Step[] {
  const steps: Step[] = [];
  if (want.daemon_reexec) steps.push("daemon-reexec");
  if (p?.NeedDaemonReload === "yes" || (want.daemon_reload && othersNeedReload)) steps.push("daemon-reload");
  if (!unit || !p) return steps;

  const notFound = p.LoadState === "not-found";
  if (notFound && (want.masked !== true || want.enabled !== undefined || (want.state !== undefined && want.state !== "stopped"))) {
    throw new ModuleError(`unit ${unit} not found (no unit file; is the package installed, the file written?)`);
  }
  const masked = isMasked(p);
  if (want.masked === false && masked) steps.push("unmask");
  if (want.masked === true && !masked) steps.push("mask");

  if (want.enabled !== undefined) {
    const fileState = p.UnitFileState ?? "";
    const sysv = isSysv(p) && extra.sysvEnabled !== undefined;
    const enabled = sysv ? extra.sysvEnabled === true : ENABLED.includes(fileState) || FIXED.includes(fileState);
    if (!sysv && FIXED.includes(fileState) && !want.enabled) {
      throw new ModuleError(`unit ${unit} is ${fileState}: it cannot be disabled (it has no [Install] section); mask it instead`);
    }
    if (fileState === "bad") throw new ModuleError(`unit ${unit} has a bad unit file: systemd cannot enable or disable it`);
    // A masked unit about to be unmasked is judged by what unmasking reveals: enable regardless.
    if (want.enabled && (!enabled || masked)) steps.push("enable");
    if (!want.enabled && (sysv ? enabled : ENABLED.includes(fileState))) steps.push("disable");
  }

  switch (want.state) {
    case "started":
      if (!isRunning(p)) steps.push("start");
      break;
    case "stopped":
      if (isRunning(p) || p.ActiveState === "deactivating") steps.push("stop");
      break;
    case "restarted":
      steps.push(isRunning(p) ? "restart" : "start");
      break;
    case "reloaded":
      if (!isRunning(p)) steps.push("start");
      else if (p.CanReload === "no") throw new ModuleError(`unit ${unit} cannot reload (no ExecReload=); use state: restarted`);
      else steps.push("reload");
      break;
    case undefined:
      break;
  }
  return steps;
}

/** The unit's state as --diff text: run state, enablement, mask. */
export function unitText(p: UnitProps | undefined): string {
  if (!p) return "";
  return `ActiveState: ${p.ActiveState ?? "?"}\nUnitFileState: ${p.UnitFileState || "(none)"}\nLoadState: ${p.LoadState ?? "?"}\n`;
}

/** What the steps would leave, for --diff (restart/reload show as themselves: the state is the same). */
export function predictText(p: UnitProps | undefined, steps: readonly Step[]): string {
  if (!p) return "";
  let active = p.ActiveState ?? "?";
  let file = p.UnitFileState || "(none)";
  let load = p.LoadState ?? "?";
  for (const s of steps) {
    if (s === "start") active = "active";
    if (s === "stop") active = "inactive";
    if (s === "restart") active = "active (restarted)";
    if (s === "reload") active = "active (reloaded)";
    if (s === "enable") file = "enabled";
    if (s === "disable") file = "disabled";
    if (s === "mask") [file, load] = ["masked", "masked"];
    if (s === "unmask") [file, load] = [file === "masked" ? "disabled" : file, "loaded"];
  }
  return `ActiveState: ${active}\nUnitFileState: ${file}\nLoadState: ${load}\n`;
}
