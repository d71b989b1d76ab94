// DigitalOcean's rate limit as clients see it: every answer carries ratelimit-limit,
// ratelimit-remaining and ratelimit-reset, and each request counts against the hourly quota for
// one hour after it was made (a sliding window, not a reset at the top of the hour). On top of
// the real quota, tests can switch on a "storm": the next N requests get 429 with retry-after,
// which is how the burst limit (250/minute) shows itself.

const HOUR_MS = 3_600_000;

export interface RateLimitStorm {
  /** How many of the next authenticated requests are refused. */
  requests: number;
  /** The retry-after header DigitalOcean sends with a burst-limit 429, in seconds. */
  retryAfterSeconds: number;
}

export interface Admission {
  admitted: boolean;
  headers: Record<string, string>;
}

export class RateLimiter {
  private readonly stamps: number[] = [];
  private storm: RateLimitStorm | null = null;

  constructor(
    private readonly limitPerHour: number,
    private readonly now: () => number = Date.now,
  ) {}

  setStorm(storm: RateLimitStorm | null): void {
    this.storm = storm && storm.requests > 0 ? { ...storm } : null;
  }

  /** Counts a request against the quota, or refuses it; refused requests do not count. */
  admit(): Admission {
    const now = this.prune();
    if (this.storm) {
      const retryAfter = this.storm.retryAfterSeconds;
      this.storm.requests -= 1;
      if (this.storm.requests <= 0) this.storm = null;
      return { admitted: false, headers: { ...this.headers(now, 0), "retry-after": String(retryAfter) } };
    }
    if (this.stamps.length >= this.limitPerHour) {
      const oldest = this.stamps[0] ?? now;
      const retryAfter = Math.max(1, Math.ceil((oldest + HOUR_MS - now) / 1000));
      return { admitted: false, headers: { ...this.headers(now, 0), "retry-after": String(retryAfter) } };
    }
    this.stamps.push(now);
    return { admitted: true, headers: this.headers(now, this.limitPerHour - this.stamps.length) };
  }

  /** Headers for answers that are not counted (401: the request names no valid token). */
  peek(): Record<string, string> {
    const now = this.prune();
    return this.headers(now, Math.max(0, this.limitPerHour - this.stamps.length));
  }

  private prune(): number {
    const now = this.now();
    while (this.stamps.length > 0 && (this.stamps[0] ?? now) <= now - HOUR_MS) this.stamps.shift();
    return now;
  }

  private headers(now: number, remaining: number): Record<string, string> {
    // "The time when the oldest request will expire", in Unix epoch seconds.
    const reset = Math.ceil(((this.stamps[0] ?? now) + HOUR_MS) / 1000);
    return {
      "ratelimit-limit": String(this.limitPerHour),
      "ratelimit-remaining": String(remaining),
      "ratelimit-reset": String(reset),
    };
  }
}
