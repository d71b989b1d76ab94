/**
 * `do-converge init` could not finish. The message says what to do, naming the flag that gives
 * the missing answer when there is one; it never holds the token or a password.
 */
export class InitError extends Error {
  override name = "InitError";
  constructor(
    message: string,
    /** The flag that answers the question in a script (--token-file, --region ...). */
    readonly flag?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
