// The client's failures, each carrying what an operator needs to act without a stack trace:
// the request, DigitalOcean's own error id and message, and the request_id support asks for.

/** Base of every DigitalOcean client failure, so callers can catch the family in one clause. */
export class DigitalOceanError extends Error {
  override name = "DigitalOceanError";
}

/** Missing or unsafe configuration found before any request: no token, a readable token file, a bad URL. */
export class DigitalOceanConfigError extends DigitalOceanError {
  override name = "DigitalOceanConfigError";
}

/** What was asked, for messages: the method and the full URL (tokens never travel in URLs). */
export interface RequestInfo {
  readonly method: string;
  readonly url: string;
}

/** The API answered with an error status; `id`, `apiMessage` and `requestId` are DigitalOcean's `{id, message, request_id}`. */
export class DigitalOceanApiError extends DigitalOceanError {
  override name = "DigitalOceanApiError";
  constructor(
    readonly request: RequestInfo,
    readonly status: number,
    readonly id: string,
    readonly apiMessage: string,
    readonly requestId: string | undefined,
    /** what the operator can do about it, appended to the message */
    readonly hint?: string,
  ) {
    const rid = requestId === undefined ? "" : `, request_id ${requestId}`;
    super(`DigitalOcean API ${status} ${id}: ${apiMessage} (${request.method} ${request.url}${rid})${hint === undefined ? "" : `; ${hint}`}`);
  }
}

/** Still 429 after the allowed retries, or the API asked us to wait longer than we are willing to. */
export class DigitalOceanRateLimitError extends DigitalOceanApiError {
  override name = "DigitalOceanRateLimitError";
}

/** No HTTP answer at all (refused, reset, DNS, timeout), after every retry. */
export class DigitalOceanUnreachableError extends DigitalOceanError {
  override name = "DigitalOceanUnreachableError";
  constructor(
    readonly request: RequestInfo,
    readonly attempts: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`DigitalOcean API unreachable: ${request.method} ${request.url} failed ${attempts} time${attempts === 1 ? "" : "s"} (last: ${reason})`, options);
  }
}

/** An answer we cannot use: not JSON, not the documented shape, or pagination that loops. */
export class DigitalOceanResponseError extends DigitalOceanError {
  override name = "DigitalOceanResponseError";
  constructor(
    readonly request: RequestInfo,
    readonly problem: string,
  ) {
    super(`DigitalOcean API answered ${request.method} ${request.url} with something unusable: ${problem}`);
  }
}
