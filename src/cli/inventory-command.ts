import { dirname, resolve } from "node:path";
import type { DynamicSourceOptions } from "../inventory/dynamic-options.js";
import { indexInventory } from "../inventory/graph.js";
import { loadInventory } from "../inventory/load.js";
import type { Inventory } from "../inventory/model.js";
import { resolveHostVars } from "../inventory/precedence.js";
import { type TrackedVars, formatProvenance } from "../inventory/provenance.js";
import { inventorySource, resolveInventoryArg } from "../inventory/source-factory.js";
import { inventoryGraph, inventoryList, withoutInternalVars } from "../inventory/views.js";
import { formatInventoryWarning } from "../inventory/warnings.js";
import { ConfigError } from "../runner/errors.js";
import { RunScopes } from "../runner/host-scopes.js";
import { isRunProvided } from "../runner/run-provided-vars.js";
import { plainOf } from "../template/values/exact-vars.js";
import { VarDeferred, findCause } from "../vars/errors.js";
import { isPossiblyTemplate } from "../vars/template-text.js";
import { siteSecretSlots } from "../secrets/generate.js";
import { redactSecrets } from "../secrets/redact.js";
import type { SecretSlot } from "../secrets/schema.js";
import type { Site } from "../site/dsl.js";
import { readExtraVarsTracked } from "./extra-vars.js";
import { cliDecrypt } from "./decrypt.js";
import type { VaultCliOptions } from "./vault-options.js";
import { loadSite } from "./load-site.js";
import { SecretMasker } from "../secrets/masker.js";

export interface InventoryCommandOptions extends VaultCliOptions {
  inventory?: string[];
  list?: boolean;
  /** commander gives `true` for a bare --graph, the group name when one follows. */
  graph?: boolean | string;
  host?: string;
  extraVars?: string[];
  refreshInventory?: boolean;
  passwordFile?: string;
}

export interface InventoryCommandResult {
  output: string;
  warnings: string[];
}

/**
 * `do-converge inventory`: the inventory as a converge would see it. With a site file, its
 * `inventory:` list (unless -i replaces it) and the group_vars/ and host_vars/ beside it count,
 * as they do in a run. Reads sources only; no host is contacted.
 */
export async function inventoryCommand(site: string | undefined, o: InventoryCommandOptions, dynamic: DynamicSourceOptions = {}): Promise<InventoryCommandResult> {
  const modes = [o.list === true, o.graph !== undefined && o.graph !== false, o.host !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new ConfigError("inventory: choose exactly one of --list, --graph [GROUP], --host NAME");
  const loaded = site === undefined ? undefined : await loadSite(site);
  // The secret() variables of the site's roles are shown as ******** (without a site file
  // there is no telling which variables are secrets).
  const secrets = loaded === undefined ? [] : siteSecretSlots(loaded);
  // Every string of an encrypted file, and every `!vault` value, is a secret too, as in a run:
  // masked wherever it shows.
  const masker = new SecretMasker();
  const decrypt = cliDecrypt(o, masker);
  const inv = await loadInventory({ ...sourcesOf(site, loaded, o, dynamic), decrypt });
  const warnings = inv.warnings.map(formatInventoryWarning);
  if (o.list) return { output: masker.mask(`${JSON.stringify(redactList(inventoryList(inv), secrets), null, 2)}\n`), warnings };
  if (o.host !== undefined) return { output: masker.mask(hostReport(inv, o.host, await readExtraVarsTracked(o.extraVars ?? [], decrypt), secrets, (t) => masker.mask(t))), warnings };
  const group = typeof o.graph === "string" ? o.graph : "all";
  if (!indexInventory(inv).groups.has(group)) throw new ConfigError(`inventory --graph: no group named '${group}'`);
  return { output: `${inventoryGraph(inv, group)}\n`, warnings };
}

function redactList(list: Record<string, unknown>, secrets: readonly SecretSlot[]): Record<string, unknown> {
  if (secrets.length === 0) return list;
  const meta = list["_meta"] as { hostvars: Record<string, Record<string, unknown>> } | undefined;
  if (meta === undefined) return list;
  const hostvars = Object.fromEntries(Object.entries(meta.hostvars).map(([h, vars]) => [h, redactSecrets(vars, secrets)]));
  return { ...list, _meta: { ...meta, hostvars } };
}

function sourcesOf(site: string | undefined, loaded: Site | undefined, o: InventoryCommandOptions, dynamic: DynamicSourceOptions) {
  const options: DynamicSourceOptions = { ...dynamic, ...(o.refreshInventory ? { refresh: true } : {}) };
  if (o.inventory?.length) {
    const siteDirs = site === undefined ? [] : [dirname(resolve(site))];
    // Paths as typed, so messages and --host sources read the way the operator wrote them.
    return { sources: o.inventory.map((i) => inventorySource(i, options)), siteDirs };
  }
  if (site === undefined || loaded === undefined) throw new ConfigError("inventory: name an inventory with -i PATH, or a site file whose inventory to show");
  const siteDir = dirname(resolve(site));
  if (loaded.inventory.length === 0) throw new ConfigError(`inventory: ${site} names no inventory; pass -i PATH`);
  return { sources: loaded.inventory.map((i) => inventorySource(resolveInventoryArg(i, siteDir), options)), siteDirs: [siteDir] };
}

/**
 * One line per variable, valid YAML: `name: <JSON value>  # <layer>: <where>`, sorted by name,
 * so an operator sees both what a host gets and which file (or droplet) to change. A value that
 * is a template shows its evaluated value, and the expression in the comment (facts are not
 * gathered here: a value that needs them says so).
 */
function hostReport(inv: Inventory, host: string, extra: TrackedVars, secrets: readonly SecretSlot[], mask: (text: string) => string): string {
  const resolved = resolveHostVars(inv, host, { extraVars: extra });
  const scopes = new RunScopes(inv, extra, isRunProvided);
  const scope = scopes.baseScope(host);
  const evaluated: Record<string, unknown> = {};
  const notes: Record<string, string> = {};
  // As ansible-inventory --host: the variables about the run or the inventory itself are left out.
  for (const name of Object.keys(withoutInternalVars(resolved.values))) {
    const raw = scope.raw(name)?.raw;
    if (!holdsTemplate(raw)) {
      evaluated[name] = resolved.values[name];
      continue;
    }
    try {
      evaluated[name] = scope.plainValue(name);
      notes[name] = `= ${JSON.stringify(plainOf(raw))}`;
    } catch (e) {
      evaluated[name] = plainOf(raw);
      const why = findCause(e, VarDeferred) ? "evaluated once facts are gathered" : `cannot be evaluated: ${e instanceof Error ? e.message : String(e)}`;
      notes[name] = `a template, ${why}`;
    }
  }
  const values = redactSecrets(evaluated, secrets);
  const names = Object.keys(values).sort();
  // Masked before the padding is measured: spaces counted from a secret would tell its length.
  const left = names.map((n) => mask(`${n}: ${JSON.stringify(values[n]) ?? "null"}`));
  const width = Math.min(60, Math.max(0, ...left.map((l) => l.length)));
  const lines = names.map((n, i) => {
    const p = resolved.provenance[n];
    const where = p === undefined ? "" : `: ${formatProvenance(p)}`;
    // A secret's expression is not shown either: it may be the secret itself.
    const note = notes[n] === undefined || values[n] !== evaluated[n] ? "" : `  ${notes[n]}`;
    return `${(left[i] ?? "").padEnd(width)}  # ${resolved.layers[n] ?? "?"}${where}${note.replace(/\n/g, "\\n")}`;
  });
  const count = `${names.length} variable${names.length === 1 ? "" : "s"}`;
  return `# ${host}: ${count}, each with the precedence layer and the place that set it\n${lines.join("\n")}\n`;
}

/** Whether a value as set holds a template anywhere (an `!unsafe` string does not). */
function holdsTemplate(raw: unknown): boolean {
  if (typeof raw === "string") return isPossiblyTemplate(raw);
  if (Array.isArray(raw)) return raw.some(holdsTemplate);
  if (typeof raw === "object" && raw !== null && Object.getPrototypeOf(raw) === Object.prototype) return Object.values(raw).some(holdsTemplate);
  return false;
}
