import { chmodSync, existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { writeFileAtomic } from "../control-node/write-file.js";
import { SecretsError } from "../secrets/errors.js";
import { fillSecrets, siteSecretSlots } from "../secrets/generate.js";
import { loadSite } from "./load-site.js";

export interface SecretsGenerateOptions {
  file?: string;
}

/** Where a site keeps its secrets unless told otherwise: beside its inventory, for every host. */
export function defaultSecretsFile(siteFile: string): string {
  return join(dirname(resolve(siteFile)), "inventory", "group_vars", "all", "secrets.yml");
}

const HEADER = `# Secrets of this site, made by \`do-converge secrets generate\`: keep this file out of version
# control (or encrypted), mode 0600. Values already here are never replaced.
`;

function readMapping(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new SecretsError(file, `not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== "object" || Array.isArray(doc)) throw new SecretsError(file, "must be a mapping of variable names to values");
  return doc as Record<string, unknown>;
}

/**
 * `secrets generate`: every secret() variable of the site's roles that the file lacks gets a
 * fresh random value; existing values stay. Reports names, never values.
 */
export async function secretsGenerateCommand(siteFile: string, opts: SecretsGenerateOptions): Promise<string> {
  const site = await loadSite(siteFile);
  const file = resolve(opts.file ?? defaultSecretsFile(siteFile));
  const existing = readMapping(file);
  const { values, added, unset } = fillSecrets(file, existing, siteSecretSlots(site));
  // Secrets only their issuer can make (API tokens) may also come from group_vars or -e.
  const todo = unset.length > 0 ? `${file}: set by hand (here, in other group_vars, or with -e): ${unset.join(", ")}\n` : "";
  if (added.length > 0) {
    writeFileAtomic(file, HEADER + stringify(values), 0o600);
    return `${file}: generated ${added.join(", ")}\n${todo}`;
  }
  // Nothing to add; still never leave secrets readable by others.
  if (existsSync(file) && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  return `${file}: every generated secret of the site is already set\n${todo}`;
}
