import { stringify } from "yaml";
import type { HostAddress } from "../inventory/droplet-hosts.js";
import { DigitalOceanConfigSchema, digitalOceanKeyHint } from "../inventory/digitalocean-config.js";
import { parsePluginConfig } from "../inventory/plugin-config.js";

export interface InventoryChoices {
  /** Absent: every droplet of the account. */
  readonly tags: readonly string[] | undefined;
  /** Absent: every region. */
  readonly regions: readonly string[] | undefined;
  readonly hostAddress: HostAddress;
  /** Written only when the operator named it (--api-url); else DIGITALOCEAN_API_URL or DigitalOcean decide at run time. */
  readonly apiUrl: string | undefined;
  /** As the file should say it (relative to the file, or ~/...). */
  readonly tokenFile: string;
}

/** One YAML scalar, or a flow list of them, quoted only when YAML needs it. */
function y(value: string | readonly string[]): string {
  if (typeof value !== "string") return `[${value.map(y).join(", ")}]`;
  return stringify(value).trim();
}

/**
 * inventory/digitalocean.yml for the choices, commented like the reference site's, and checked
 * with the inventory's own schema before anyone writes it: init never leaves a file the loader
 * would refuse.
 */
export function inventoryYaml(c: InventoryChoices, file: string): string {
  const lines = [
    "# The site's hosts: droplets read from the DigitalOcean API (written by `do-converge init`).",
    "#   check:  npx do-converge inventory --graph -i inventory/digitalocean.yml",
    "plugin: digitalocean",
    c.tags === undefined ? "# tags: [database]            # absent: every droplet of the account" : `tags: ${y(c.tags)}   # each tag is a group ('-' becomes '_')`,
    c.regions === undefined ? "# regions: [nyc3]             # absent: droplets of every region" : `regions: ${y(c.regions)}`,
    `host_address: ${c.hostAddress}${c.hostAddress === "private" ? "   # SSH over the VPC: the control node runs inside it (or reaches it with ProxyJump)" : ""}`,
    "keyed_groups: [region, size]",
    `token_file: ${y(c.tokenFile)}   # mode 0600; the token itself never goes in this file`,
    ...(c.apiUrl === undefined ? [] : [`api_url: ${y(c.apiUrl)}`]),
    "",
  ];
  const text = lines.join("\n");
  parsePluginConfig(text, file, DigitalOceanConfigSchema, digitalOceanKeyHint);
  return text;
}
