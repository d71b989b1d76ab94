import { homedir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { DigitalOceanConfigError } from "../digitalocean/errors.js";
import { resolveToken, TOKEN_ENV_VARS, TOKEN_FILE_ENV_VAR, type ApiToken } from "../digitalocean/token.js";
import type { InitIo } from "./ask.js";
import { InitError } from "./errors.js";

/** Where the inventory's token_file goes unless --token-path says otherwise: outside the repository. */
export const DEFAULT_TOKEN_PATH = "~/.config/do-converge/token";

/** The same rule the keepalived role puts on do_api_token: one word, nothing YAML or a shell would mangle. */
function checked(token: ApiToken): ApiToken {
  if (token.value === "") throw new InitError(`the API token from ${token.source} is empty`, "--token-file");
  if (!/^[^\s"\\]+$/.test(token.value)) throw new InitError(`the API token from ${token.source} holds whitespace, a quote or a backslash`, "--token-file");
  return token;
}

/**
 * The API token: --token-file (mode 0600, as the inventory requires of its own token file), else
 * DIGITALOCEAN_TOKEN and the other variables the inventory reads, else asked without echo.
 */
export async function obtainToken(tokenFile: string | undefined, env: Readonly<Record<string, string | undefined>>, io: InitIo): Promise<ApiToken> {
  try {
    if (tokenFile !== undefined) return checked(await resolveToken({ env: {}, tokenFile }));
    if ([...TOKEN_ENV_VARS, TOKEN_FILE_ENV_VAR].some((name) => env[name]?.trim())) return checked(await resolveToken({ env }));
  } catch (err) {
    if (err instanceof DigitalOceanConfigError) throw new InitError(err.message.replace("(token_file)", "(--token-file)"), "--token-file", { cause: err });
    throw err;
  }
  if (!io.interactive) {
    throw new InitError(`no DigitalOcean API token: give --token-file FILE (mode 0600) or set ${TOKEN_ENV_VARS[0]}`, "--token-file");
  }
  return checked({ value: (await io.secret("DigitalOcean API token (not shown): ", "--token-file")).trim(), source: "the terminal" });
}

/** A path as the operator wrote it, `~/` expanded. */
export function expandHome(path: string, base: string): string {
  if (path === "~" || path.startsWith("~/")) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(base, path);
}

/** Whether `path` is `dir` or inside it. */
export function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return !rel.startsWith("..") && !isAbsolute(rel);
}

/**
 * token_file as the inventory file should say it: relative when inside the site's directory
 * (the directory moves with it), `~/...` under the home directory (the same file for whoever
 * runs the site from their own home), else absolute.
 */
export function tokenFileSetting(tokenPath: string, inventoryDir: string, siteDir: string): string {
  if (isInside(tokenPath, siteDir)) return relative(inventoryDir, tokenPath);
  const home = homedir();
  if (home !== "/" && isInside(tokenPath, home)) return `~/${relative(home, tokenPath)}`;
  return tokenPath;
}
