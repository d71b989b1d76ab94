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
