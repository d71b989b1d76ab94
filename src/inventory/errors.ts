import { formatProvenance, type Provenance } from "./provenance.js";

/** Base of every inventory failure, so callers can catch the family in one clause. */
export class InventoryError extends Error {
  override name = "InventoryError";
}

/**
 * A problem at a known place in a file. The message starts with `file:line:col` so terminals and
 * editors link straight to it, then names the key at fault when there is one.
 */
export class InventoryFileError extends InventoryError {
  override name = "InventoryFileError";
  constructor(
    readonly location: Provenance,
    readonly problem: string,
    readonly key?: string,
  ) {
    super(`${formatProvenance(location)}: ${key === undefined ? "" : `${key}: `}${problem}`);
  }
}

/** The file is not well-formed YAML (or JSON), or could not be read at all. */
export class InventorySyntaxError extends InventoryFileError {
  override name = "InventorySyntaxError";
}

/** Well-formed YAML of the wrong shape: a wrong type, an unknown key, an empty file. */
export class InventoryShapeError extends InventoryFileError {
  override name = "InventoryShapeError";
}

/** A host name that is neither a DNS-style name nor an IP address, or a bad `[a:b]` range. */
export class InvalidHostNameError extends InventoryFileError {
  override name = "InvalidHostNameError";
}

/** A group name that would not survive host-pattern syntax (`web:db`, `!x`, `a,b`). */
export class InvalidGroupNameError extends InventoryFileError {
  override name = "InvalidGroupNameError";
}

/** A group_vars/host_vars file that cannot be used: ambiguous, not a mapping, encrypted. */
export class VarsFileError extends InventoryFileError {
  override name = "VarsFileError";
}

/** Groups whose `children` lead back to themselves; `cycle` starts and ends with the same group. */
export class GroupCycleError extends InventoryError {
  override name = "GroupCycleError";
  constructor(
    readonly cycle: readonly string[],
    readonly location?: Provenance,
    /** where each group of the cycle was first declared, when no single key closes it */
    readonly declarations?: ReadonlyMap<string, Provenance>,
  ) {
    const where = location === undefined ? "" : `${formatProvenance(location)}: `;
    const declared =
      declarations === undefined || declarations.size === 0
        ? ""
        : ` (${[...declarations].map(([g, at]) => `${g} declared at ${formatProvenance(at)}`).join(", ")})`;
    super(`${where}children form a cycle: ${cycle.join(" -> ")}${declared}`);
  }
}

/** An InventorySource produced a fragment that breaks the model's rules (a bug in that source). */
export class InventorySourceError extends InventoryError {
  override name = "InventorySourceError";
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`inventory source ${source}: ${problem}`);
  }
}

/** A host name asked for by the caller that the inventory does not have. */
export class UnknownHostError extends InventoryError {
  override name = "UnknownHostError";
  constructor(readonly host: string) {
    super(`no host named '${host}' in the inventory`);
  }
}

/** A host pattern that cannot be evaluated: bad syntax, bad regex, subscript out of range. */
export class HostPatternError extends InventoryError {
  override name = "HostPatternError";
  constructor(
    readonly pattern: string,
    readonly problem: string,
  ) {
    super(`host pattern '${pattern}': ${problem}`);
  }
}

/**
 * A plain name in a host pattern that is neither a group nor a host. Ansible only warns and
 * carries on; we stop, because a typo in `hosts:` or `--limit` would otherwise silently
 * converge fewer (or, with `!typo`, more) hosts than meant.
 */
export class UnknownPatternNameError extends HostPatternError {
  override name = "UnknownPatternNameError";
  constructor(
    pattern: string,
    readonly unknownName: string,
  ) {
    super(pattern, `'${unknownName}' is neither a group nor a host in the inventory`);
  }
}

/** A connection variable (ansible_port, ansible_become, ...) with a value we cannot use. */
export class ConnectionVarError extends InventoryError {
  override name = "ConnectionVarError";
  constructor(
    readonly host: string,
    readonly variable: string,
    readonly provenance: Provenance | undefined,
    readonly problem: string,
  ) {
    const from = provenance === undefined ? "" : ` (set at ${formatProvenance(provenance)})`;
    super(`host ${host}: ${variable}${from}: ${problem}`);
  }
}
