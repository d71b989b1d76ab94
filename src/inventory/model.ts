import { z } from "zod";
import type { KnownNames } from "./known-names.js";
import { ProvenanceSchema, TrackedVarsSchema } from "./provenance.js";

/** The two groups every inventory has, as in Ansible: `all` holds everything, `ungrouped` the rest. */
export const ALL = "all";
export const UNGROUPED = "ungrouped";

/** A host as one source declares it. `declaredAt` is its first mention, for error messages. */
export const HostDeclSchema = z.object({
  name: z.string().min(1),
  vars: TrackedVarsSchema,
  declaredAt: ProvenanceSchema,
});
export type HostDecl = z.infer<typeof HostDeclSchema>;

/**
 * `ansible_group_priority` as set in an inventory source. It is not a variable: Ansible uses it
 * only to order groups of the same depth, and only from the inventory (never from group_vars/).
 */
export const GroupPrioritySchema = z.object({ value: z.number().int(), provenance: ProvenanceSchema });

/** A group as one source declares it. `hosts` and `children` are in declaration order. */
export const GroupDeclSchema = z.object({
  name: z.string().min(1),
  hosts: z.array(z.string().min(1)),
  children: z.array(z.string().min(1)),
  vars: TrackedVarsSchema,
  priority: GroupPrioritySchema.optional(),
  declaredAt: ProvenanceSchema.optional(),
});
export type GroupDecl = z.infer<typeof GroupDeclSchema>;

/** Something worth telling the operator that does not stop the run. */
export const InventoryWarningSchema = z.object({
  message: z.string(),
  location: ProvenanceSchema.optional(),
});
export type InventoryWarning = z.infer<typeof InventoryWarningSchema>;

/**
 * The `inventory_file` and `inventory_dir` values a source gives the hosts it names first, as
 * Ansible's InventoryData.add_host sets them: the source's absolute path and its directory; for a
 * host list, the list as typed and the text "None" (Ansible's basedir finds no directory there and
 * its to_text turns that None into a string).
 */
export const SourceOriginSchema = z.object({ file: z.string().min(1), dir: z.string().min(1) });
export type SourceOrigin = z.infer<typeof SourceOriginSchema>;

/**
 * What one source yields. Every name in a group's `hosts` must be in `hosts`, and every name in
 * `children` must be in `groups`. `varsDir` is the directory whose group_vars/ and host_vars/
 * belong to this source (Ansible: the inventory file's directory). Without `origin` (a fragment
 * built by hand) the hosts get no inventory_file / inventory_dir.
 */
export const InventoryFragmentSchema = z.object({
  source: z.string().min(1),
  hosts: z.array(HostDeclSchema),
  groups: z.array(GroupDeclSchema),
  varsDir: z.string().optional(),
  origin: SourceOriginSchema.optional(),
  warnings: z.array(InventoryWarningSchema),
});
export type InventoryFragment = z.infer<typeof InventoryFragmentSchema>;

/**
 * A pluggable producer of hosts and groups: static YAML or INI, DigitalOcean tags, Terraform
 * state. A directory of sources yields one fragment per file. `known` holds the group and host
 * names of the sources loaded before this one: in Ansible an INI file may refer to a group that
 * an earlier source declared.
 */
export interface InventorySource {
  /** Shown in errors and in `inventory --graph`; a path or a short description. */
  readonly name: string;
  load(known?: KnownNames): Promise<InventoryFragment | readonly InventoryFragment[]>;
}

/**
 * The group_vars/ and host_vars/ files of one directory, already merged per group and host
 * (a `group_vars/db/` folder is merged in lexical order). Keyed by group or host name.
 */
export const VarsDirLayerSchema = z.object({
  dir: z.string(),
  groups: z.record(z.string(), TrackedVarsSchema),
  hosts: z.record(z.string(), TrackedVarsSchema),
});
export type VarsDirLayer = z.infer<typeof VarsDirLayerSchema>;

/**
 * A merged group. `depth` is the longest `children` path from `all` (0 for `all`): Ansible orders
 * group variables by it, so a child's vars beat its parents'.
 */
export const GroupSchema = GroupDeclSchema.extend({ depth: z.number().int().nonnegative() });
export type Group = z.infer<typeof GroupSchema>;

/**
 * The whole inventory after merging sources. Groups start with `all` and `ungrouped`; every other
 * group descends from `all`; hosts and groups keep the order they were first declared in.
 * `varsDirs` are in precedence order (later wins) and stay empty until vars files are attached.
 */
export const InventorySchema = z.object({
  sources: z.array(z.string()),
  hosts: z.array(HostDeclSchema),
  groups: z.array(GroupSchema),
  varsDirs: z.array(VarsDirLayerSchema),
  warnings: z.array(InventoryWarningSchema),
});
export type Inventory = z.infer<typeof InventorySchema>;
