import type { RenderOptions } from "../template/index.js";
import type { SshOptions } from "../transport/ssh.js";

export interface RunOptions {
  /** Report what would change; change nothing. */
  check: boolean;
  /** Show before/after of what changes. */
  diff: boolean;
  /** Hosts worked on at once. */
  forks: number;
  /** `--limit`: a host pattern intersected with every play's hosts. */
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: Record<string, unknown>;
  /** The -e variables read from YAML whose Python form differs (`3.0`), in that form: for templates. */
  extraVarsExact?: Record<string, unknown>;
  verbosity: number;
  ssh: SshOptions;
  /** `--retry-unreachable`: how many more tries a host that became unreachable gets (0, or unset: none). */
  retryUnreachable?: number;
  /** sudo password for become (prompted, from the environment, or a secret). */
  becomePassword?: string;
  /** `--no-fast-path`: every probe reads the host, nothing is learnt (docs/fast-path.md). */
  noFastPath?: boolean;
}

/** Renders a template file found on one of the search paths (role first, then the site). */
export interface TemplateRenderer {
  render(searchPaths: readonly string[], name: string, vars: Record<string, unknown>, options?: RenderOptions): string;
}
