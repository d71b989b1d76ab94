import { z } from "zod";
import { DropletHostError } from "./dynamic-errors.js";
import type { GroupDecl, HostDecl } from "./model.js";
import type { Provenance, TrackedValue } from "./provenance.js";
import { varsFromEntries } from "./provenance.js";

// Droplets → hosts and groups, shared by the DigitalOcean and Terraform state sources so that a
// droplet found either way gets the same host name, groups and do_* variables.

/** A droplet as both sources know it; what one of them cannot tell is null. */
export const DropletFactsSchema = z.object({
  id: z.number().int().positive(),
  name: z.string().min(1),
  status: z.string().nullable(),
  region: z.string().nullable(),
  size: z.string().nullable(),
  tags: z.array(z.string()),
  privateIpv4: z.string().nullable(),
  publicIpv4: z.string().nullable(),
  vpcUuid: z.string().nullable(),
  image: z.string().nullable(),
  distribution: z.string().nullable(),
});
export type DropletFacts = z.infer<typeof DropletFactsSchema>;

export const HostAddressSchema = z.enum(["private", "public"]);
export type HostAddress = z.infer<typeof HostAddressSchema>;

export const KEYED_GROUP_KEYS = ["region", "size", "vpc", "distribution", "image", "status"] as const;
export const KeyedGroupKeySchema = z.enum(KEYED_GROUP_KEYS);

/**
 * `keyed_groups` entries: `- region` is short for `- {key: region, prefix: region}`; the group is
 * `<prefix>_<value>`, or just the value when prefix is "". Values are lower-cased ("Debian" →
 * distribution_debian) and sanitized like every generated group name.
 */
export const KeyedGroupSchema = z
  .union([KeyedGroupKeySchema, z.strictObject({ key: KeyedGroupKeySchema, prefix: z.string().optional() })])
  .transform((g) => (typeof g === "string" ? { key: g, prefix: g } : { key: g.key, prefix: g.prefix ?? g.key }));
export type KeyedGroup = z.output<typeof KeyedGroupSchema>;

export const DuplicateNamesSchema = z.enum(["error", "append_id"]);

/** The settings both sources share, with their defaults; each source's config schema extends it. */
export const DropletGroupingSchema = z.object({
  host_address: HostAddressSchema.default("public"),
  tag_prefix: z.string().default(""),
  keyed_groups: z.array(KeyedGroupSchema).default([]),
  duplicate_names: DuplicateNamesSchema.default("error"),
});
export type DropletGrouping = z.output<typeof DropletGroupingSchema>;

/** One droplet from a source: its facts, where it came from, and groups only that source knows. */
export interface DropletEntry {
  readonly facts: DropletFacts;
  /** Shown by `inventory --host` as the source of every do_* variable. */
  readonly provenance: Provenance;
  /** Source-specific groups (Terraform's resource names), sanitized here like the rest. */
  readonly groups?: readonly string[];
  /** Source-specific host variables (Terraform's do_reserved_ip). */
  readonly vars?: Readonly<Record<string, unknown>>;
}

/** Where the grouping settings are, to point errors at the line that decides them. */
export interface GroupingContext {
  readonly file: string;
  at(key: string): Provenance;
  /** Where the settings named in advice can be written, when not in `file` (a bare state file has no settings). */
  readonly settingsIn?: string;
}

/**
 * Group names a host pattern can select: letters, digits and `_` (tags allow `:` and `-`, which
 * patterns read as operators or Ansible warns about). A name starting with a digit gets `_`.
 */
export function groupName(raw: string): string {
  const clean = raw.replace(/[^A-Za-z0-9_]/g, "_");
  return /^[0-9]/.test(clean) ? `_${clean}` : clean;
}

/** The hosts and groups for a list of droplets, in the order given (first group sighting wins the order). */
export function dropletHosts(entries: readonly DropletEntry[], o: DropletGrouping, ctx: GroupingContext): { hosts: HostDecl[]; groups: GroupDecl[] } {
  const names = hostNames(entries, o, ctx);
  const hosts: HostDecl[] = [];
  const groups = new Map<string, GroupDecl>();
  const join = (group: string, host: string): void => {
    const name = groupName(group);
    if (name === "" || name === "all" || name === "ungrouped") return;
    let g = groups.get(name);
    if (g === undefined) {
      g = { name, hosts: [], children: [], vars: {}, declaredAt: { file: ctx.file } };
      groups.set(name, g);
    }
    if (!g.hosts.includes(host)) g.hosts.push(host);
  };
  entries.forEach((e, i) => {
    const host = names[i] ?? e.facts.name;
    hosts.push({ name: host, vars: hostVars(e, o, ctx), declaredAt: e.provenance });
    for (const tag of e.facts.tags) join(`${o.tag_prefix}${tag}`, host);
    for (const extra of e.groups ?? []) join(extra, host);
    for (const kg of o.keyed_groups) {
      const value = keyValue(e.facts, kg.key);
      if (value !== null && value !== "") join(kg.prefix === "" ? value.toLowerCase() : `${kg.prefix}_${value.toLowerCase()}`, host);
    }
  });
  return { hosts, groups: [...groups.values()] };
}

function keyValue(f: DropletFacts, key: KeyedGroup["key"]): string | null {
  switch (key) {
    case "region":
      return f.region;
    case "size":
      return f.size;
    case "vpc":
      return f.vpcUuid;
    case "distribution":
      return f.distribution;
    case "image":
      return f.image;
    case "status":
      return f.status;
  }
}

/**
 * Host names are droplet names. DigitalOcean allows two droplets with one name, but a host name
 * must be unique: by default that is an error naming both; `duplicate_names: append_id` names
 * every droplet of a shared name `<name>-<id>` instead (do_name keeps the real name).
 */
function hostNames(entries: readonly DropletEntry[], o: DropletGrouping, ctx: GroupingContext): string[] {
  const byName = new Map<string, DropletFacts[]>();
  for (const e of entries) byName.set(e.facts.name, [...(byName.get(e.facts.name) ?? []), e.facts]);
  const shared = [...byName].filter(([, ds]) => ds.length > 1);
  const first = shared[0];
  if (first !== undefined && o.duplicate_names === "error") {
    const [name, ds] = first;
    const ids = ds.map((d) => d.id).join(", ");
    const renamed = ds.map((d) => `${name}-${d.id}`).join(", ");
    throw new DropletHostError(
      ctx.at("duplicate_names"),
      `${ds.length} droplets are named ${name} (ids ${ids}) but host names must be unique: rename one, or set duplicate_names: append_id${ctx.settingsIn ?? ""} to call them ${renamed}`,
      "duplicate_names",
    );
  }
  const names = entries.map((e) => ((byName.get(e.facts.name)?.length ?? 0) > 1 ? `${e.facts.name}-${e.facts.id}` : e.facts.name));
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new DropletHostError(ctx.at("duplicate_names"), `two droplets end up as host ${n}; rename one`, "duplicate_names");
    seen.add(n);
  }
  return names;
}

function hostVars(e: DropletEntry, o: DropletGrouping, ctx: GroupingContext): Record<string, TrackedValue> {
  const f = e.facts;
  const address = o.host_address === "private" ? f.privateIpv4 : f.publicIpv4;
  if (address === null) {
    const other = o.host_address === "private" ? "public" : "private";
    throw new DropletHostError(
      ctx.at("host_address"),
      `droplet ${f.name} (id ${f.id}) has no ${o.host_address} IPv4 address; give it one, use host_address: ${other}${ctx.settingsIn ?? ""}, or leave it out of the tags this inventory reads`,
      "host_address",
    );
  }
  const values: Array<[string, unknown]> = [
    ["ansible_host", address],
    ["do_id", f.id],
    ["do_name", f.name],
    ["do_status", f.status],
    ["do_region", f.region],
    ["do_size", f.size],
    ["do_tags", [...f.tags]],
    ["do_private_ipv4", f.privateIpv4],
    ["do_public_ipv4", f.publicIpv4],
    ["do_vpc_uuid", f.vpcUuid],
    ["do_image", f.image],
    ["do_distribution", f.distribution],
    ...Object.entries(e.vars ?? {}),
  ];
  return varsFromEntries(values.map(([k, value]) => [k, { value, provenance: e.provenance }]));
}
