import { readInventoryText } from "./read-text.js";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { DropletGroupingSchema, type DropletGrouping, dropletHosts, type GroupingContext } from "./droplet-hosts.js";
import { ALL, type GroupDecl, type InventoryFragment, type InventorySource } from "./model.js";
import { parsePluginConfig } from "./plugin-config.js";
import type { Provenance } from "./provenance.js";
import { parseTerraformState } from "./terraform-state.js";

/**
 * A Terraform state as an inventory, read either directly (`-i terraform.tfstate`, default
 * settings) or through a config file that names the state and how to group it:
 *
 *   plugin: terraform
 *   state: ../terraform/terraform.tfstate
 *   host_address: private
 */
export const TerraformConfigSchema = z.strictObject({
  plugin: z.literal("terraform"),
  ...DropletGroupingSchema.shape,
  /** The state file, relative to this config file. */
  state: z.string().min(1),
});

export class TerraformStateSource implements InventorySource {
  readonly name: string;
  constructor(readonly path: string) {
    this.name = path;
  }

  async load(): Promise<InventoryFragment> {
    return loadTerraformState(this.path, await readInventoryText(this.path, "cannot read Terraform state"));
  }
}

/** A state file with default grouping: public addresses, tags as groups, no keyed groups. */
export function loadTerraformState(path: string, text: string): InventoryFragment {
  const ctx = { file: path, at: () => ({ file: path }), settingsIn: " in a `plugin: terraform` file naming this state" };
  return stateFragment(path, text, DropletGroupingSchema.parse({}), ctx, dirname(path));
}

/** A `plugin: terraform` config: its settings, applied to the state file it names. */
export async function loadTerraformConfig(path: string, text: string): Promise<InventoryFragment> {
  const pc = parsePluginConfig(text, path, TerraformConfigSchema);
  const statePath = resolve(dirname(path), pc.config.state);
  const stateText = await readInventoryText(statePath, "cannot read the Terraform state named by state", pc.at(["state"]));
  const ctx = { file: path, at: (key: string): Provenance => (pc.has(key) ? pc.at([key]) : { file: path }) };
  // group_vars/ beside the config file, which is what the operator keeps in the inventory folder.
  return { ...stateFragment(statePath, stateText, pc.config, ctx, dirname(path)), source: path };
}

function stateFragment(statePath: string, text: string, grouping: DropletGrouping, ctx: GroupingContext, varsDir: string): InventoryFragment {
  const state = parseTerraformState(text, statePath);
  const { hosts, groups } = dropletHosts(state.droplets, grouping, ctx);
  const all: GroupDecl[] = Object.keys(state.allVars).length === 0 ? [] : [{ name: ALL, hosts: [], children: [], vars: state.allVars }];
  const warnings = state.droplets.length === 0 ? [{ message: "the Terraform state holds no digitalocean_droplet resources", location: { file: statePath } }] : [];
  return { source: statePath, hosts, groups: [...all, ...groups], varsDir, warnings };
}

