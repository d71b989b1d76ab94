import type { AdversarialCase } from "../case.js";
import { DIR } from "../harness/scratch.js";
import { LOCAL_INVENTORY, MARK, siteSource } from "../harness/site-source.js";

// Shell-injection payloads, and the scratch layout the injection cases act on. A payload that
// ever reaches a shell unquoted creates a MARK file; the suite fails when one exists.

/**
 * Payloads that are one path component (no `/`): `touch MARK` relative to the shell's working
 * directory, which for the local connection is the scratch directory the CLI runs in.
 */
export const NAME_PAYLOADS: readonly string[] = [
  `$(touch ${MARK})`,
  `\`touch ${MARK}\``,
  `;touch ${MARK}`,
  `&&touch ${MARK}`,
  `|touch ${MARK}`,
  `'$(touch ${MARK})'`,
  `"$(touch ${MARK})"`,
  `\\'$(touch ${MARK})`,
  `$(touch\${IFS}${MARK})`,
  "*",
  "-rf",
  "--help",
  "--reference=..",
];

/** The newline payload, apart: some modules are known to mishandle a newline in a path. */
export const NEWLINE_PAYLOAD = `\ntouch ${MARK}\n`;

/** Payloads for values that are not paths: the MARK path is absolute, so any working directory shows it. */
export const VALUE_PAYLOADS: readonly string[] = [
  `$(touch ${DIR}/${MARK})`,
  `\`touch ${DIR}/${MARK}\``,
  `; touch ${DIR}/${MARK}`,
  `&& touch ${DIR}/${MARK}`,
  `| touch ${DIR}/${MARK}`,
  `\ntouch ${DIR}/${MARK}\n`,
  `'; touch ${DIR}/${MARK}; '`,
  `"; touch ${DIR}/${MARK}; "`,
  `\\"; touch ${DIR}/${MARK}; \\"`,
  `\\'$(touch ${DIR}/${MARK})`,
  "--help",
  "-rf *",
];

/** A TypeScript string literal. */
export const lit = (s: string) => JSON.stringify(s);

/** Files every injection case starts from: a target directory with one file, and a canary beside it. */
export const TARGETS: Record<string, string> = {
  "t/existing.txt": "original\n",
  "outside/canary.txt": "canary\n",
};

/** site.ts running `tasks` on localhost (after the sentinel and `roles` of the preamble), plus the targets. */
export function injectionSite(tasks: string, more: Record<string, string | Buffer | { symlink: string }> = {}, preamble = "", roles: readonly string[] = []) {
  return { "site.ts": siteSource({ tasks, preamble, roles }), "hosts.yml": LOCAL_INVENTORY, ...TARGETS, ...more };
}

export const NT = "--no-typecheck";

/** An injection case that runs a site's tasks (on the local connection, without the type-check). */
export const task = (id: string, c: Omit<AdversarialCase, "id" | "kind" | "argv"> & { argv?: readonly string[] }): AdversarialCase => ({
  id: `injection/${id}`,
  kind: "task",
  argv: c.argv ?? ["site.ts", NT],
  ...c,
});
