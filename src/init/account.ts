import { DigitalOceanClient } from "../digitalocean/client.js";
import { DigitalOceanError } from "../digitalocean/errors.js";
import type { ApiAccount, ApiRegion } from "../digitalocean/schemas.js";
import type { ApiToken } from "../digitalocean/token.js";
import { InitError } from "./errors.js";

export interface AccountCheck {
  readonly account: ApiAccount;
  /** Every region the API lists, retired ones included (the menu shows the available ones). */
  readonly regions: ApiRegion[];
}

/**
 * Proves the token before anything is written: GET /v2/account (a refused token ends init here,
 * naming where the token came from, never its value), then GET /v2/regions for the menu.
 */
export async function checkAccount(apiUrl: string, token: ApiToken, onNotice: (line: string) => void): Promise<AccountCheck> {
  const client = new DigitalOceanClient({
    apiUrl,
    token,
    userAgent: "do-converge init",
    onRetry: ({ waitMs, reason }) => onNotice(`DigitalOcean API: ${reason}; retrying in ${(waitMs / 1000).toFixed(1)} s`),
  });
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof DigitalOceanError) throw new InitError(`${what}: ${err.message}; nothing was written`, undefined, { cause: err });
      throw err;
    }
  };
  const account = await step("checking the token", () => client.account());
  const regions = await step("listing regions", () => client.listRegions());
  return { account, regions };
}
