/** Why a host could not be reached; the runner reports the host as unreachable with this text. */
export class ConnectError extends Error {
  override name = "ConnectError";
  constructor(
    readonly host: string,
    message: string,
    readonly retryable = true,
  ) {
    super(`${host}: ${message}`);
  }
}

/** A host key that is unknown (strict mode), changed, or revoked: never retried, never ignored. */
export class HostKeyError extends ConnectError {
  override name = "HostKeyError";
  constructor(host: string, message: string) {
    super(host, message, false);
  }
}
