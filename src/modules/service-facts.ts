import { z } from "zod";
import { shellJoin } from "../remote/quote.js";
import type { RemoteShell } from "../remote/shell.js";
import { type ModuleContext, defineReadModule } from "./contract.js";

// service_facts: the host's services as the fact `services`, as ansible.builtin.service_facts
// gathers them on Debian and Ubuntu: `service --status-all` (source sysv, keyed by the init
// script's name) and systemd's service units (source systemd, keyed by the unit name). The
// runner makes the result's ansible_facts the host's facts: `ansible_facts.services` and
// `services`. Upstart, chkconfig, OpenRC and the BSDs' and AIX's tools are not read.

const ServiceFactsArgs = z.strictObject({});

export interface ServiceFact {
  name: string;
  state: string;
  /** Absent for sysv entries, as Ansible's. */
  status?: string;
  source: "sysv" | "systemd";
}

export interface ServiceFactsResult {
  ansible_facts: { services?: Record<string, ServiceFact> };
  msg?: string;
  warnings?: string[];
}

/** systemctl's states that Ansible's service_facts keeps as a unit's status whatever else the line says. */
const BAD_STATES = ["not-found", "masked", "failed"] as const;

/** Python's str.split(): runs of whitespace, none at either end. */
function pySplit(line: string): string[] {
  return line.split(/\s+/).filter((f) => f !== "");
}

/** `service --status-all`: "[ + ]  cron" is running, "[ - ]" stopped; "[ ? ]" lines are not services Ansible lists. */
export function parseStatusAll(out: string, services: Record<string, ServiceFact>): void {
  for (const m of out.matchAll(/^[^\S\n]*\[ (\+|-) \][^\S\n]+(.+)$/gm)) {
    const name = m[2] ?? "";
    services[name] = { name, state: m[1] === "+" ? "running" : "stopped", source: "sysv" };
  }
}

/**
 * `systemctl list-units --type service --all`: a line naming a bad state anywhere has that status
 * and its first field (systemd's "●" marker) dropped; otherwise the status is the ACTIVE column.
 * The state is "running" when the SUB column says so, else "stopped". Ansible's reading, field
 * for field.
 */
export function parseListUnits(out: string, services: Record<string, ServiceFact>): void {
  for (const line of out.split("\n")) {
    if (!line.includes(".service")) continue;
    let fields = pySplit(line);
    const bad = BAD_STATES.find((b) => fields.includes(b));
    const status = bad ?? fields[2];
    if (bad !== undefined) fields = fields.slice(1);
    const name = fields[0];
    if (name === undefined || status === undefined || fields[3] === undefined) continue;
    services[name] = { name, state: fields[3] === "running" ? "running" : "stopped", status, source: "systemd" };
  }
}

/**
 * `systemctl list-unit-files --type service --all`: a unit systemd listed keeps its bad status or
 * takes the unit file's state (enabled, disabled, static, ...); a unit file it did not list is
 * returned, for its state to be asked of `systemctl show`.
 */
export function mergeUnitFiles(out: string, services: Record<string, ServiceFact>): Array<{ name: string; status: string }> {
  const unlisted: Array<{ name: string; status: string }> = [];
  for (const line of out.split("\n")) {
    if (!line.includes(".service")) continue;
    const [name, status] = pySplit(line);
    if (name === undefined || status === undefined) continue;
    const known = services[name];
    if (known === undefined) unlisted.push({ name, status });
    else if (!(BAD_STATES as readonly string[]).includes(known.status ?? "")) known.status = status;
  }
  return unlisted;
}

/** `systemctl show UNIT --property=ActiveState` as Ansible reads it: the value, or "unknown" when it failed or said nothing. */
export function activeState(rc: number, out: string): string {
  return rc === 0 && out !== "" ? out.replaceAll("ActiveState=", "").trimEnd() : "unknown";
}

/** Ansible's modules run their commands in the C locale. */
const C = "LANG=C LC_ALL=C";

async function unlistedStates(sh: RemoteShell, unlisted: ReadonlyArray<{ name: string; status: string }>): Promise<string[]> {
  if (unlisted.length === 0) return [];
  // One round trip for all of them: per unit its rc and output, NUL-separated.
  const script = `for u in ${shellJoin(unlisted.map((u) => u.name))}; do out=$(${C} systemctl show "$u" --property=ActiveState 2>/dev/null); printf '%s\\0%s\\0' "$?" "$out"; done`;
  const r = await sh.run(script);
  const parts = r.stdout.split("\0");
  return unlisted.map((_, i) => activeState(Number(parts[2 * i]), parts[2 * i + 1] ?? ""));
}

async function gather(ctx: ModuleContext): Promise<ServiceFactsResult> {
  const tools = await ctx.sh.run(`for t in service chkconfig initctl rc-status systemctl; do command -v "$t" >/dev/null 2>&1 && echo "$t"; done; grep -qs systemd /proc/1/comm && echo pid1-systemd; true`);
  const has = new Set(tools.stdout.split("\n"));
  const warnings: string[] = [];
  const services: Record<string, ServiceFact> = {};
  if (has.has("service") && !has.has("chkconfig") && !has.has("rc-status")) {
    const r = await ctx.sh.run(`${C} service --status-all`);
    if (r.rc !== 0) warnings.push(`Unable to query 'service' tool (${r.rc}): ${r.stderr}`);
    parseStatusAll(r.stdout, services);
  }
  if (has.has("pid1-systemd") && has.has("systemctl")) {
    const units = await ctx.sh.run(`${C} systemctl list-units --no-pager --type service --all`);
    if (units.rc !== 0) warnings.push(`Could not list units from systemd: ${units.stderr}`);
    else parseListUnits(units.stdout, services);
    const files = await ctx.sh.run(`${C} systemctl list-unit-files --no-pager --type service --all`);
    if (files.rc !== 0) warnings.push(`Could not get unit files data from systemd: ${files.stderr}`);
    else {
      const unlisted = mergeUnitFiles(files.stdout, services);
      const states = await unlistedStates(ctx.sh, unlisted);
      unlisted.forEach((u, i) => {
        services[u.name] = { name: u.name, state: states[i] ?? "unknown", status: u.status, source: "systemd" };
      });
    }
  }
  const result: ServiceFactsResult =
    Object.keys(services).length === 0 ? { ansible_facts: {}, msg: "Failed to find any services. This can be due to privileges or some other configuration issue." } : { ansible_facts: { services } };
  return warnings.length > 0 ? { ...result, warnings } : result;
}

export const service_facts = defineReadModule({
  name: "service_facts",
  args: ServiceFactsArgs,
  doc: {
    summary: "The host's services (sysv scripts and systemd units) with their state and status, as the fact services (ansible_facts.services), as Ansible's service_facts gives them; changes nothing.",
    example: 'const { ansible_facts } = await h.service_facts({});\nconst nginxRunning = ansible_facts.services?.["nginx.service"]?.state === "running";',
  },
  read: (ctx) => gather(ctx),
});
