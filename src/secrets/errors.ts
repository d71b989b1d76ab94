/** A secrets file that cannot be used: unreadable, not YAML, not a mapping where one is needed. */
export class SecretsError extends Error {
  override name = "SecretsError";
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}
