import { z } from "zod";
import { factsAsVars } from "../facts/as-vars.js";
import { Facts } from "../facts/gather.js";
import { MODULE_FACT_NAMES } from "../facts/module-facts.js";
import { RUN_MAGIC_NAMES } from "./magic-vars.js";

// The names a run gives every template rendering on top of the host's variables (play.ts,
// templateVars): hostvars, the run's own variables (magic-vars.ts), and the facts under
// Ansible's names. Facts are accepted even when a play does not gather them: the check must not
// fail a template that a later play renders.

/** A value of the schema's shape (empty strings, lists and records, zeros, a union's first option, optional parts present). */
function sample(schema: z.ZodType): unknown {
  if (schema instanceof z.ZodObject) {
    return Object.fromEntries(Object.entries(schema.shape as Record<string, z.ZodType>).map(([k, v]) => [k, sample(v)]));
  }
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return sample(schema.unwrap() as z.ZodType);
  if (schema instanceof z.ZodString) return "";
  if (schema instanceof z.ZodNumber) return 0;
  if (schema instanceof z.ZodBoolean) return false;
  if (schema instanceof z.ZodArray) return [];
  if (schema instanceof z.ZodRecord) return {};
  if (schema instanceof z.ZodLiteral) return schema.value;
  if (schema instanceof z.ZodUnion) return sample(schema.options[0] as z.ZodType);
  throw new Error(`run-provided-vars: no sample value for a ${schema.def.type} in the Facts schema`);
}

let factNames: ReadonlySet<string> | undefined;

/** Every name factsAsVars() produces from a representative Facts (the fixed ones, not per interface). */
function knownFactNames(): ReadonlySet<string> {
  factNames ??= new Set(Object.keys(factsAsVars(Facts.parse(sample(Facts)))));
  return factNames;
}

/**
 * Per-interface facts: `ansible_<interface>`, with `-`, `.` and `:` of the name written `_`
 * (`ansible_eth0`, `ansible_eth0_1`, `ansible_enp0s3`, `ansible_br_1a2b3c`). Which interfaces a
 * host has is known only once its facts are gathered, so a name of that shape is put off until
 * then; any other `ansible_` name that is not a fact nor the run's own is undefined before the
 * run starts (a typo such as `ansible_memtotl_mb` is refused before any host is touched). The
 * shape: a prefix Linux and its usual tools give interfaces (kernel, udev's predictable names,
 * bridges, bonds, VLANs, tunnels, containers, VPNs) and a digit somewhere after it — `lo` alone
 * has none. docs/variables.md says the rule.
 */
const INTERFACE_FACT =
  /^ansible_(?:lo|(?:eth|en|wl|ww|ib|sl|br|bond|team|docker|veth|virbr|vnet|tun|tap|wg|vxlan|vlan|macvlan|macvtap|ipvlan|dummy|gre|sit|ip6tnl|tailscale|zt|flannel|cni|cali|cilium|kube|weave|host|vb|ve|ovs|podman|lxc|lxdbr|ppp|usb|bat)[A-Za-z0-9_]*[0-9][A-Za-z0-9_]*)$/;

/** Whether the run gives `name` once a host runs a play: hostvars, a fact, or one of the run's own variables. */
export function isRunProvided(name: string): boolean {
  return name === "hostvars" || RUN_MAGIC_NAMES.has(name) || MODULE_FACT_NAMES.has(name) || knownFactNames().has(name) || INTERFACE_FACT.test(name);
}
