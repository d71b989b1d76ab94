import { z } from "zod";
import type { Vars } from "../site/host.js";

/** The host variable that moves do-converge's state on a host (default: see remote/state-file.ts). */
export const STATE_DIR_VAR = "do_converge_state_dir";

const StateDir = z.string().regex(/^\/[^\n]*$/, "an absolute path").optional();

/** The host's state directory when its variables set one; its value is checked by checkStateDir. */
export function stateDirOf(vars: Vars): string | undefined {
  const v = vars[STATE_DIR_VAR];
  return typeof v === "string" ? v : undefined;
}

/** A problem with the variable's value, for the errors reported before any host is touched. */
export function checkStateDir(host: string, vars: Vars, source?: string): string | undefined {
  const r = StateDir.safeParse(vars[STATE_DIR_VAR]);
  if (r.success) return undefined;
  return `host ${host}: ${STATE_DIR_VAR}${source ? ` (set at ${source})` : ""}: must be an absolute path, found ${JSON.stringify(vars[STATE_DIR_VAR])}`;
}
