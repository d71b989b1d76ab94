import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { isAbsolute, join, resolve } from "node:path";
import { DigitalOceanConfigError } from "./errors.js";

/** The environment variables that may hold the token, in the order they are consulted. */
export const TOKEN_ENV_VARS = ["DIGITALOCEAN_TOKEN", "DIGITALOCEAN_ACCESS_TOKEN", "DO_API_TOKEN"] as const;

/** Names a token file when no inventory file does (for cron jobs that keep secrets in files). */
export const TOKEN_FILE_ENV_VAR = "DIGITALOCEAN_TOKEN_FILE";

/** A token and where it came from: error messages name the source, never the value. */
export interface ApiToken {
  readonly value: string;
  readonly source: string;
}

export interface TokenLookup {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `token_file` from an inventory file; relative paths resolve against `baseDir`. */
  readonly tokenFile?: string;
  readonly baseDir?: string;
}

/**
 * Finds the API token: an inventory's `token_file` first (it is the most specific thing the
 * operator wrote), then DIGITALOCEAN_TOKEN, DIGITALOCEAN_ACCESS_TOKEN, DO_API_TOKEN, then the
 * file named by DIGITALOCEAN_TOKEN_FILE.
 */
export async function resolveToken(lookup: TokenLookup): Promise<ApiToken> {
  if (lookup.tokenFile !== undefined) return readTokenFile(expandPath(lookup.tokenFile, lookup.baseDir), "token_file");
  for (const name of TOKEN_ENV_VARS) {
    const value = lookup.env[name]?.trim();
    if (value) return { value, source: name };
  }
  const file = lookup.env[TOKEN_FILE_ENV_VAR]?.trim();
  if (file) return readTokenFile(expandPath(file, undefined), TOKEN_FILE_ENV_VAR);
  throw new DigitalOceanConfigError(
    `no DigitalOcean API token: set ${TOKEN_ENV_VARS.join(", ")} or ${TOKEN_FILE_ENV_VAR}, or token_file in the inventory file`,
  );
}

function expandPath(path: string, baseDir: string | undefined): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return isAbsolute(path) || baseDir === undefined ? resolve(path) : resolve(baseDir, path);
}

/**
 * Reads a token file, refusing one that other users could read or change: a token that can
 * destroy droplets must not sit in a 0644 file (the original's defect, docs/architecture.md, defects of the original), so we stop
 * rather than warn, as ssh does with private keys.
 */
async function readTokenFile(path: string, via: string): Promise<ApiToken> {
  let mode: number;
  let text: string;
  try {
    mode = (await stat(path)).mode;
    text = await readFile(path, "utf8");
  } catch (err) {
    throw new DigitalOceanConfigError(`token file ${path} (${via}): cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, "0");
    throw new DigitalOceanConfigError(
      `token file ${path} (${via}) is accessible by group or others (mode ${octal}); refusing to use it: run chmod 600 ${path}`,
    );
  }
  const value = text.trim();
  if (value === "") throw new DigitalOceanConfigError(`token file ${path} (${via}) is empty`);
  if (/\s/.test(value)) throw new DigitalOceanConfigError(`token file ${path} (${via}) must hold only the token, on one line`);
  return { value, source: `token file ${path}` };
}
