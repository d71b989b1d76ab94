import { isAbsolute, join } from "node:path";
import type { TrackedVars } from "../inventory/provenance.js";
import { readVarsFile } from "../inventory/vars-file.js";
import type { Decrypt } from "../inventory/vault-values.js";
import type { Site } from "../site/dsl.js";

/**
 * Each play's varsFiles read before the run, by the play's place in the site: later files over
 * earlier ones. A missing or bad file is the run's error before any host is touched.
 */
export async function readPlayVarsFiles(site: Site, siteDir: string, decrypt: Decrypt | undefined): Promise<Map<number, TrackedVars>> {
  const out = new Map<number, TrackedVars>();
  for (const [index, play] of site.plays.entries()) {
    if (play.varsFiles.length === 0) continue;
    const vars: TrackedVars = {};
    for (const f of play.varsFiles) Object.assign(vars, await readVarsFile(isAbsolute(f) ? f : join(siteDir, f), decrypt));
    out.set(index, vars);
  }
  return out;
}
