/** The site file is malformed: not a site(), a play with no hosts, a role used twice by name. */
export class SiteError extends Error {
  override name = "SiteError";
}

/** A host's variables do not satisfy a role's schema: names the role, host, key and its source. */
export class VarsValidationError extends Error {
  override name = "VarsValidationError";
  constructor(
    readonly role: string,
    readonly host: string,
    readonly problems: { key: string; message: string; source?: string }[],
  ) {
    super(
      `role ${role}, host ${host}: ` +
        problems.map((p) => `${p.key}: ${p.message}${p.source ? ` (set in ${p.source})` : ""}`).join("; "),
    );
  }
}
