/**
 * curl options as a config file (`curl --config -`, read from stdin), so that a URL with
 * credentials and headers such as Authorization never appear on a command line (ps, -vvv trace).
 * Pure; the quoting follows curl(1) "-K, --config": double quotes, with \\ \" \t \n \r \v escapes.
 */
export function curlQuote(value: string): string {
  const esc = value.replace(/[\\"\t\n\r\v]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r", "\v": "\\v" })[c] ?? c);
  return `"${esc}"`;
}

export interface CurlRequest {
  url: string;
  headers?: Record<string, string> | undefined;
  /** Seconds to connect, and seconds without any data before giving up. */
  timeout: number;
  validateCerts?: boolean | undefined;
}

/** The config lines for a download that fails on HTTP errors and follows redirects. */
export function curlConfig(req: CurlRequest): string {
  const lines = [
    `url = ${curlQuote(req.url)}`,
    "fail",
    "location",
    "max-redirs = 10",
    "silent",
    "show-error",
    `connect-timeout = ${req.timeout}`,
    // A stalled transfer (under 1 byte/s for `timeout` seconds) fails, a slow one does not:
    // the closest curl has to Ansible's socket timeout.
    `speed-time = ${req.timeout}`,
    "speed-limit = 1",
    ...(req.validateCerts === false ? ["insecure"] : []),
    ...Object.entries(req.headers ?? {}).map(([k, v]) => `header = ${curlQuote(`${k}: ${v}`)}`),
  ];
  return `${lines.join("\n")}\n`;
}
