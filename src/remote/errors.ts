/** The remote shell could not start or died: become refused, connection lost, shell killed. */
export class RemoteShellError extends Error {
  override name = "RemoteShellError";
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(`${host}: ${message}`);
  }
}

/** A command ran but did not do its job (cannot write a file, validation refused it). */
export class RemoteCommandError extends Error {
  override name = "RemoteCommandError";
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
  }
}
