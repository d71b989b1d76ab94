import { z } from "zod";
import { ScheduleError } from "./errors.js";

/**
 * What `schedule install` was asked for, every path absolute. It is written into the files it
 * installs (one comment line), so status and remove read the schedule back from what is on disk
 * rather than from flags the operator must repeat.
 */
export const scheduleSpecSchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
  backend: z.enum(["systemd", "cron"]),
  site: z.string(),
  /** Seconds between runs. */
  every: z.number().int().positive(),
  /** Up to this many seconds of random delay before each run (0: none). */
  randomDelay: z.number().int().nonnegative(),
  /** A check schedule: reports drift, fixes nothing. */
  check: z.boolean(),
  inventory: z.array(z.string()),
  limit: z.string().optional(),
  knownHosts: z.array(z.string()),
  /** The path of the password file, given to the run in its environment (never the password). */
  passwordFile: z.string().optional(),
  /** An ansible-vault password file (or script), given to the run as ANSIBLE_VAULT_PASSWORD_FILE. */
  vaultPasswordFile: z.string().optional(),
  reportDir: z.string(),
  /** How many timestamped reports the runs keep beside last.json. */
  keepReports: z.number().int().nonnegative(),
  /** The system user the runs are made as (default root). */
  runAs: z.string().optional(),
  node: z.string(),
  bin: z.string(),
});
export type ScheduleSpec = z.infer<typeof scheduleSpecSchema>;

const MARKER = "# do-converge-schedule ";

/** The comment line that marks a file as install's, carrying the spec. */
export function specLine(spec: ScheduleSpec): string {
  return `${MARKER}${JSON.stringify(spec)}`;
}

/** The spec in a file install wrote, or undefined for a file without the marker (not ours). */
export function readSpecLine(text: string, file: string): ScheduleSpec | undefined {
  const line = text.split("\n").find((l) => l.startsWith(MARKER));
  if (line === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(line.slice(MARKER.length));
  } catch (err) {
    throw new ScheduleError(`${file}: its do-converge-schedule line is not JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  const parsed = scheduleSpecSchema.safeParse(json);
  if (!parsed.success) throw new ScheduleError(`${file}: its do-converge-schedule line is not a schedule: ${parsed.error.issues[0]?.message ?? ""}`);
  return parsed.data;
}

/** The unit base name (do-converge-NAME) and cron file name share this. */
export function unitBase(name: string): string {
  return `do-converge-${name}`;
}

/** A name from the site's directory ("/srv/infra/site.ts" → "infra"), usable in unit and file names. */
export function defaultName(siteDir: string): string {
  const base = siteDir.split("/").filter(Boolean).pop() ?? "site";
  const clean = base.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[-.]+|[-.]+$/g, "");
  return clean || "site";
}
