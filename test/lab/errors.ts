/** A lab set-up or tear-down failure; the message names the host, file or command at fault. */
export class LabError extends Error {
  override name = "LabError";
}

/**
 * The machine lacks what the lab needs (a package, root, a kernel feature); `missing` names the
 * Debian packages that were missing when the step stopped.
 */
export class PrerequisitesError extends LabError {
  override name = "PrerequisitesError";
  constructor(
    message: string,
    readonly missing: readonly string[],
  ) {
    super(message);
  }
}
