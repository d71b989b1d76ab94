// Pure parts of the wordpress role: values as PHP literals for wp-config.php, where downloads
// live on the host, where a tarball's checksum comes from, and the installer's result line.
import { z } from "do-converge";

/** The keys WordPress's salts come in (wp-config.php's AUTH_KEY ... NONCE_SALT, lower-cased). */
export const SALT_KEYS = [
  "auth_key",
  "secure_auth_key",
  "logged_in_key",
  "nonce_key",
  "auth_salt",
  "secure_auth_salt",
  "logged_in_salt",
  "nonce_salt",
] as const;
export type SaltKey = (typeof SALT_KEYS)[number];

/**
 * A PHP single-quoted string literal: only `\` and `'` are special there, so every value (a
 * password with `$`, quotes or backslashes) reaches PHP unchanged.
 */
export function phpString(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
}

export interface WpConfigInput {
  url: string;
  dbName: string;
  dbUser: string;
  dbPassword: string;
  dbHost: string;
  tablePrefix: string;
  salts: Record<SaltKey, string>;
}

export interface WpConfigLiterals {
  url: string;
  db_name: string;
  db_user: string;
  db_password: string;
  db_host: string;
  table_prefix: string;
  /** In WordPress's own order: AUTH_KEY ... NONCE_SALT. */
  salts: { name: string; value: string }[];
}

/** Everything wp-config.php.njk prints, already as PHP literals (the template adds no quoting). */
export function wpConfigLiterals(c: WpConfigInput): WpConfigLiterals {
  return {
    url: phpString(siteUrl(c.url)),
    db_name: phpString(c.dbName),
    db_user: phpString(c.dbUser),
    db_password: phpString(c.dbPassword),
    db_host: phpString(c.dbHost),
    table_prefix: phpString(c.tablePrefix),
    salts: SALT_KEYS.map((k) => ({ name: k.toUpperCase(), value: phpString(c.salts[k]) })),
  };
}

/** The site URL as WordPress stores it: no trailing slash. */
export function siteUrl(url: string): string {
  return url.replace(/\/+$/, "");
}

/** nginx's server_name for the site: the URL's host name (no port, no brackets). */
export function serverName(url: string): string {
  return new URL(url).hostname.replace(/^\[|\]$/g, "");
}

/** The database host: wordpress_db_host when set, else the Reserved IP HAProxy listens on. */
export function dbHost(v: { wordpress_db_host?: string | undefined; reserved_ip?: string | undefined }): string | undefined {
  return v.wordpress_db_host ?? v.reserved_ip;
}

/**
 * Where wordpress.org publishes a release tarball's SHA-1 (`<tarball URL>.sha1`, beside every
 * release and `latest`), or undefined for a URL elsewhere: those need an explicit checksum.
 */
export function publishedChecksumUrl(tarballUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(tarballUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== "https:" || u.hostname !== "wordpress.org" || u.search !== "" || u.hash !== "") return undefined;
  return /^\/(latest|wordpress-[0-9][0-9A-Za-z.-]*)\.tar\.gz$/.test(u.pathname) ? `${u.origin}${u.pathname}.sha1` : undefined;
}

/** The checksum in the body of a published `.sha1` file (the digest, maybe followed by a name). */
export function parsePublishedSha1(body: string): string | undefined {
  const m = /^\s*([0-9a-fA-F]{40})(\s|$)/.exec(body);
  return m?.[1] ? `sha1:${m[1].toLowerCase()}` : undefined;
}

/**
 * A downloaded archive's file name on the host, keyed by its checksum: a new release (or plugin
 * version) gets a new file, hence a new unarchive marker and one unpack; the same release is
 * neither downloaded nor unpacked again.
 */
export function downloadName(stem: string, checksum: string, ext: "tar.gz" | "zip"): string {
  const hex = checksum.slice(checksum.indexOf(":") + 1).toLowerCase();
  return `${stem}-${hex.slice(0, 16)}.${ext}`;
}

/** What the installer script printed: its last `dcv-wordpress-result:` line. */
/** The installer's result line (files/wordpress-install.php). */
const InstallResult = z.object({
  /** wp_install() ran on this converge. */
  installed: z.boolean(),
  /** The admin's password was set (it did not verify: a rotated secret). */
  password_set: z.boolean().default(false),
  /** Plugin files activated on this converge. */
  activated: z.array(z.string()),
  /** Plugin files that were active already. */
  active: z.array(z.string()),
  /** $wp_version of the tree the script ran in. */
  version: z.string().default(""),
});
export type InstallResult = z.output<typeof InstallResult>;

export const RESULT_PREFIX = "dcv-wordpress-result: ";

/** The installer's last result line, undefined when it printed none (or a malformed one). */
export function parseInstallResult(stdout: string): InstallResult | undefined {
  const line = stdout
    .split("\n")
    .reverse()
    .find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) return undefined;
  try {
    const r = InstallResult.safeParse(JSON.parse(line.slice(RESULT_PREFIX.length)));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

/** Whether the installer changed something: a fresh installation, a new password, a plugin newly activated. */
export function installChanged(stdout: string): boolean {
  const r = parseInstallResult(stdout);
  return r !== undefined && (r.installed || r.password_set || r.activated.length > 0);
}
