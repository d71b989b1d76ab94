import { z } from "zod";

// When to try again. Two kinds of failure get two budgets: 429 is DigitalOcean telling us when
// to come back (retry-after, or ratelimit-reset when that is all there is), while 5xx and
// network errors are guesses, retried with exponential backoff and jitter so that several
// clients (parallel tag streams) do not retry in lockstep.

export const RetryPolicySchema = z.object({
  /** Retries after a 5xx, a timeout or a network error (so attempts = retries + 1). */
  retries: z.number().int().nonnegative().default(4),
  /** Retries after 429s, counted separately: a burst-limit storm is normal and recoverable. */
  rateLimitRetries: z.number().int().nonnegative().default(10),
  /** First backoff after an error; doubles per attempt. */
  baseDelayMs: z.number().nonnegative().default(500),
  maxDelayMs: z.number().nonnegative().default(8_000),
  /** A 429 asking for a longer wait than this fails at once: the hourly quota is spent. */
  maxRateLimitWaitMs: z.number().nonnegative().default(120_000),
});
export type RetryPolicy = z.output<typeof RetryPolicySchema>;
export type RetryPolicyInput = z.input<typeof RetryPolicySchema>;

/** Header values as fetch exposes them. */
export interface HeaderReader {
  get(name: string): string | null;
}

/**
 * How long a 429 asks us to wait, in ms, or undefined when it does not say. retry-after is
 * seconds or an HTTP date; ratelimit-reset is the Unix time (seconds) when the oldest request
 * leaves DigitalOcean's sliding hour.
 */
export function rateLimitWaitMs(headers: HeaderReader, nowMs: number): number | undefined {
  const retryAfter = headers.get("retry-after")?.trim();
  if (retryAfter) {
    if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number(retryAfter) * 1000;
    const date = Date.parse(retryAfter);
    if (!Number.isNaN(date)) return Math.max(0, date - nowMs);
  }
  const reset = headers.get("ratelimit-reset")?.trim();
  if (reset && /^\d+$/.test(reset)) return Math.max(0, Number(reset) * 1000 - nowMs);
  return undefined;
}

/** Backoff before retry number `retry` (1-based) after an error: exponential, capped, half jittered. */
export function errorBackoffMs(retry: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(exp / 2 + (exp / 2) * random());
}
