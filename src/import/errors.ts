/** The role cannot be imported at all (not a role directory, a YAML syntax error): names the file. */
export class ImportError extends Error {
  override name = "ImportError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
