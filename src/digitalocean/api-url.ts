import { DigitalOceanConfigError } from "./errors.js";

export const DEFAULT_API_URL = "https://api.digitalocean.com";
export const API_URL_ENV_VAR = "DIGITALOCEAN_API_URL";

/**
 * The API's base URL: the inventory file's `api_url`, else DIGITALOCEAN_API_URL (how the fake
 * API and DigitalOcean-compatible proxies are reached), else DigitalOcean. Returned without a
 * trailing `/` or `/v2`, so `https://api.digitalocean.com/v2/` and `.../` mean the same.
 */
export function resolveApiUrl(configured: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const fromEnv = env[API_URL_ENV_VAR]?.trim();
  const [raw, via] = configured !== undefined ? [configured, "api_url"] : fromEnv ? [fromEnv, API_URL_ENV_VAR] : [DEFAULT_API_URL, "default"];
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DigitalOceanConfigError(`${via}: not a URL: ${JSON.stringify(raw)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new DigitalOceanConfigError(`${via}: must be an http or https URL, found ${JSON.stringify(raw)}`);
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new DigitalOceanConfigError(`${via}: must be a plain base URL without query, fragment or credentials: ${JSON.stringify(raw)}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "").replace(/\/v2$/, "")}`;
}
