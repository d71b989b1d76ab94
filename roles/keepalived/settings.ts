// The settings file the notify script sources: plain shell assignments, none of them secret (the
// token lives in its own 0600 file). Built here rather than in a template so the quoting is tested.

export interface ReservedIpSettings {
  reservedIp: string;
  apiUrl: string;
  metadataUrl: string;
  tokenFile: string;
  attempts: number;
  delaySeconds: number;
}

/** A value in single quotes; a single quote inside is closed, escaped and reopened. */
function quoted(v: string): string {
  return `'${v.replaceAll("'", `'\\''`)}'`;
}

/** URLs without their trailing slashes: the script appends "/v2/..." and "/metadata/v1/...". */
function base(url: string): string {
  return url.replace(/\/+$/, "");
}

export function reservedIpSettings(s: ReservedIpSettings): string {
  const lines: Array<[string, string]> = [
    ["RESERVED_IP", s.reservedIp],
    ["DO_API_URL", base(s.apiUrl)],
    ["DO_METADATA_URL", base(s.metadataUrl)],
    ["DO_TOKEN_FILE", s.tokenFile],
    ["ASSIGN_ATTEMPTS", String(s.attempts)],
    ["ASSIGN_DELAY", String(s.delaySeconds)],
  ];
  return ["# Managed by do-converge (role keepalived): read by do-reserved-ip.sh.", ...lines.map(([k, v]) => `${k}=${quoted(v)}`), ""].join("\n");
}
