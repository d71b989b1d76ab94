import type { Vars } from "do-converge";

/** A host the roles cannot place on the private network: its inventory lacks an address. */
export class AddressError extends Error {
  override name = "AddressError";
}

/**
 * A host's address on the private network (the VPC): what cluster members, load balancers and
 * VRRP peers use. The DigitalOcean inventory gives `do_private_ipv4`; a static or Terraform
 * inventory gives `ansible_host`, which is then taken to be private.
 */
export function privateAddress(vars: Vars): string {
  for (const key of ["do_private_ipv4", "ansible_host"]) {
    const v = vars[key];
    if (typeof v === "string" && v !== "") return v;
  }
  const name = typeof vars["inventory_hostname"] === "string" ? vars["inventory_hostname"] : "(unknown host)";
  throw new AddressError(`${name}: no private address (neither do_private_ipv4 nor ansible_host is set)`);
}
