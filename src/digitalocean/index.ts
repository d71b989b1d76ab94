// A small typed DigitalOcean API client (fetch + zod): token and base URL resolution, pagination,
// rate-limit backoff, retries and typed errors. docs/architecture.md, DigitalOcean client says why it is ours and not the SDK.
export { API_URL_ENV_VAR, DEFAULT_API_URL, resolveApiUrl } from "./api-url.js";
export { errorBackoffMs, rateLimitWaitMs, RetryPolicySchema, type RetryPolicy, type RetryPolicyInput } from "./backoff.js";
export { DigitalOceanClient, MAX_PER_PAGE, type DigitalOceanClientOptions } from "./client.js";
export {
  DigitalOceanApiError,
  DigitalOceanConfigError,
  DigitalOceanError,
  DigitalOceanRateLimitError,
  DigitalOceanResponseError,
  DigitalOceanUnreachableError,
  type RequestInfo,
} from "./errors.js";
export { ApiDropletSchema, type ApiAccount, type ApiDroplet, type ApiRegion } from "./schemas.js";
export { resolveToken, TOKEN_ENV_VARS, TOKEN_FILE_ENV_VAR, type ApiToken, type TokenLookup } from "./token.js";
