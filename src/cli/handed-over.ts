import type { Command } from "commander";

// What main needs of a hand-over before a command runs (hand-over.ts, which does it, is loaded
// only for a command that names a site).

/** Set for the process a command line is handed over to: it never hands over again, whatever it finds. */
export const HANDED_OVER = "DO_CONVERGE_HANDED_OVER";

/** A command line run by the site's own do-converge instead: its exit code is this process's. */
export class HandedOver extends Error {
  override name = "HandedOver";
  constructor(readonly exitCode: number) {
    super(`handed over: exit code ${exitCode}`);
  }
}

/** The variable that marks a handed-over process, removed once read: the commands it runs (hooks, local tasks) do not inherit it. */
export function takeHandedOverMark(env: NodeJS.ProcessEnv = process.env): boolean {
  const marked = env[HANDED_OVER] !== undefined;
  delete env[HANDED_OVER];
  return marked;
}

/** The site a command names: its [site] argument, else its --site option. */
export function siteNamedBy(action: Command): string | undefined {
  const at = action.registeredArguments.findIndex((a) => a.name() === "site");
  const fromArgument: unknown = at >= 0 ? action.processedArgs[at] : undefined;
  const fromOption: unknown = action.opts().site;
  return typeof fromArgument === "string" ? fromArgument : typeof fromOption === "string" ? fromOption : undefined;
}
