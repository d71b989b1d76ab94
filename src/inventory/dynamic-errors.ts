import { InventoryError, InventoryFileError } from "./errors.js";

// Failures of the dynamic sources (DigitalOcean, Terraform state) that are not about one key of
// one file, and the droplet-level problems that are.

/**
 * A dynamic source could not produce its hosts: the API refused the token, stayed down, or
 * answered nonsense. The message is the source's path, then the cause's one-line message.
 */
export class DynamicInventoryError extends InventoryError {
  override name = "DynamicInventoryError";
  constructor(
    readonly source: string,
    readonly problem: string,
    options?: ErrorOptions,
  ) {
    super(`${source}: ${problem}`, options);
  }
}

/**
 * A droplet the inventory cannot turn into a host (no address of the chosen kind, a name shared
 * with another droplet). Points at the setting that decides it, so the fix is one edit away.
 */
export class DropletHostError extends InventoryFileError {
  override name = "DropletHostError";
}
