import { z } from "zod";
import { type DropletEntry, groupName } from "./droplet-hosts.js";
import { InventoryShapeError, InventorySyntaxError } from "./errors.js";
import type { Provenance, TrackedVars } from "./provenance.js";
import { locatePath } from "./yaml-paths.js";
import { parseYamlFile } from "./yaml-document.js";

// terraform.tfstate (format version 4, Terraform 0.12 and later) → droplets and reserved IPs.
// Only what an inventory needs is read; other resources are skipped whatever their shape.

const InstanceSchema = z.object({
  // count → a number, for_each → a string, neither → absent.
  index_key: z.union([z.number().int(), z.string()]).optional(),
  attributes: z.record(z.string(), z.unknown()),
});

const ResourceSchema = z.object({
  module: z.string().optional(),
  mode: z.string(),
  type: z.string(),
  name: z.string(),
  instances: z.array(InstanceSchema),
});

const StateSchema = z.object({
  version: z.literal(4),
  resources: z.array(z.unknown()).default([]),
});

/** Terraform writes "" for an unset string attribute; both mean "none". */
const OptionalString = z
  .string()
  .nullish()
  .transform((s) => (s === undefined || s === null || s === "" ? null : s));

const DropletAttributesSchema = z.object({
  id: z.string().regex(/^\d+$/, "a droplet id: digits"),
  name: z.string().min(1),
  status: OptionalString,
  region: OptionalString,
  size: OptionalString,
  image: OptionalString,
  ipv4_address: OptionalString,
  ipv4_address_private: OptionalString,
  vpc_uuid: OptionalString,
  tags: z.array(z.string()).nullish(),
});

// digitalocean_reserved_ip and its old name; the *_assignment resources link one to a droplet.
const RESERVED_IP_TYPES = new Set(["digitalocean_reserved_ip", "digitalocean_floating_ip"]);
const ASSIGNMENT_TYPES = new Set(["digitalocean_reserved_ip_assignment", "digitalocean_floating_ip_assignment"]);

const ReservedIpAttributesSchema = z.object({
  ip_address: z.string().min(1),
  droplet_id: z.union([z.number().int(), z.string().regex(/^\d+$/)]).nullish(),
});

export interface TerraformState {
  droplets: DropletEntry[];
  /** `reserved_ips` (name → address) and, when there is exactly one, `reserved_ip`: vars of group `all`. */
  allVars: TrackedVars;
}

/**
 * Reads a state file. A droplet is grouped by its resource name, by `<name>.<index>` (as
 * terraform-inventory does; count index or for_each key) and, through the shared mapping, by its
 * tags. A reserved IP is a variable, not a host: you do not SSH to an address that moves.
 */
export function parseTerraformState(text: string, file: string): TerraformState {
  const json = parseJson(text, file);
  const state = StateSchema.safeParse(json);
  if (!state.success) {
    const version = typeof json === "object" && json !== null && "version" in json ? json.version : undefined;
    if (version !== undefined && version !== 4) {
      throw new InventoryShapeError(at(text, file, ["version"]), `state format version ${JSON.stringify(version)} is not supported; only version 4 (Terraform 0.12 and later) is: run terraform state pull with a current Terraform`, "version");
    }
    throw issueError(text, file, state.error, []);
  }

  const droplets: DropletEntry[] = [];
  const reserved: Array<{ key: string; ip: string; dropletId: number | null; provenance: Provenance }> = [];
  const assignments = new Map<string, number>();
  state.data.resources.forEach((raw, r) => {
    const resource = ResourceSchema.safeParse(raw);
    if (!resource.success) throw issueError(text, file, resource.error, ["resources", r]);
    const res = resource.data;
    if (res.mode !== "managed") return;
    const address = `${res.module === undefined ? "" : `${res.module}.`}${res.type}.${res.name}`;
    res.instances.forEach((inst, i) => {
      const path = ["resources", r, "instances", i, "attributes"];
      const instanceAddress = inst.index_key === undefined ? address : `${address}[${JSON.stringify(inst.index_key)}]`;
      const provenance = { file: `${file}: ${instanceAddress}` };
      const key = inst.index_key === undefined ? res.name : `${res.name}.${inst.index_key}`;
      if (res.type === "digitalocean_droplet") {
        const a = DropletAttributesSchema.safeParse(inst.attributes);
        if (!a.success) throw issueError(text, file, a.error, path, instanceAddress);
        droplets.push({ facts: dropletFacts(a.data), provenance, groups: [res.name, ...(inst.index_key === undefined ? [] : [key])] });
      } else if (RESERVED_IP_TYPES.has(res.type) || ASSIGNMENT_TYPES.has(res.type)) {
        const a = ReservedIpAttributesSchema.safeParse(inst.attributes);
        if (!a.success) throw issueError(text, file, a.error, path, instanceAddress);
        const dropletId = a.data.droplet_id === undefined || a.data.droplet_id === null ? null : Number(a.data.droplet_id);
        if (ASSIGNMENT_TYPES.has(res.type)) {
          if (dropletId !== null) assignments.set(a.data.ip_address, dropletId);
        } else {
          reserved.push({ key: groupName(key), ip: a.data.ip_address, dropletId, provenance });
        }
      }
    });
  });

  for (const ip of reserved) {
    const holder = assignments.get(ip.ip) ?? ip.dropletId;
    const d = holder === null ? undefined : droplets.find((e) => e.facts.id === holder);
    if (d !== undefined) droplets[droplets.indexOf(d)] = { ...d, vars: { ...d.vars, do_reserved_ip: ip.ip } };
  }
  const allVars: TrackedVars = {};
  if (reserved.length > 0) {
    allVars["reserved_ips"] = { value: Object.fromEntries(reserved.map((r) => [r.key, r.ip])), provenance: { file } };
  }
  const only = reserved.length === 1 ? reserved[0] : undefined;
  if (only !== undefined) allVars["reserved_ip"] = { value: only.ip, provenance: only.provenance };
  return { droplets, allVars };
}

function dropletFacts(a: z.output<typeof DropletAttributesSchema>): DropletEntry["facts"] {
  return {
    id: Number(a.id),
    name: a.name,
    status: a.status,
    region: a.region,
    size: a.size,
    tags: [...(a.tags ?? [])],
    privateIpv4: a.ipv4_address_private,
    publicIpv4: a.ipv4_address,
    vpcUuid: a.vpc_uuid,
    image: a.image,
    // The state holds the image slug only; the distribution is the API's to tell.
    distribution: null,
  };
}

/** JSON.parse is fast but locates errors badly; the YAML parser re-reads a broken file to say file:line:col. */
function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    parseYamlFile(text, file, "json");
    throw new InventorySyntaxError({ file }, `invalid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function at(text: string, file: string, path: readonly PropertyKey[]): Provenance {
  try {
    return locatePath(parseYamlFile(text, file, "json"), path);
  } catch {
    return { file };
  }
}

function issueError(text: string, file: string, error: z.ZodError, base: readonly PropertyKey[], what?: string): InventoryShapeError {
  const issue = error.issues[0];
  const path = [...base, ...(issue?.path ?? [])];
  const shown = path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "");
  const problem = `${what === undefined ? "" : `${what}: `}${issue?.message ?? "unexpected shape"}`;
  return new InventoryShapeError(at(text, file, path), problem, shown === "" ? undefined : shown);
}
