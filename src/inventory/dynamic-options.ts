/**
 * What the CLI (or a test) hands every dynamic source: the environment to read tokens and URLs
 * from, whether to bypass caches, and the seams tests replace (fetch, sleep, clock, cache dir).
 */
export interface DynamicSourceOptions {
  /** Default: process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** `--refresh-inventory`: ignore cached API answers (and write fresh ones). */
  readonly refresh?: boolean;
  /** Default: ~/.cache/do-converge/inventory. */
  readonly cacheDir?: string;
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
  /** Told, in one line, why the run is waiting (a 429, a retry after an error). */
  readonly onNotice?: (message: string) => void;
  /** Told every credential the source uses (the API token), so a run can mask it in its output. */
  readonly onSecret?: (value: string) => void;
}
