import { ENTRY } from "../../cli-entry.js";
import { DIR } from "./scratch.js";

/** The DSL by absolute path (of the build the CLI runs): scratch sites live outside the repository. */
export const DSL = ENTRY.dsl;

/** The marker the sentinel task creates: its existence proves that something ran. */
export const SENTINEL = "SENTINEL";

/** A payload's side effect: no case may ever find a file of this name in its scratch directory. */
export const MARK = "MARK";

/** The inventory most cases use: the control node itself over the local connection. */
export const LOCAL_INVENTORY = "all:\n  hosts:\n    localhost: { ansible_connection: local }\n";

export interface SiteOptions {
  /** The play's host pattern. */
  hosts?: string;
  /** TypeScript statements before the site (roles, constants). */
  preamble?: string;
  /** Role variables (declared in the preamble) the play uses after the sentinel. */
  roles?: readonly string[];
  /** The body of the play's tasks function, `h` in scope. */
  tasks?: string;
  /** The site's own inventory list. */
  inventory?: readonly string[];
  /** Further plays (source of `play({...})` calls), each also starting with the sentinel. */
  morePlays?: readonly { name: string; hosts: string; tasks: string }[];
}

/**
 * site.ts for a scratch site. Every play starts with the sentinel role, whose only task touches
 * SENTINEL in the scratch directory: a configuration error must stop the run before it.
 */
export function siteSource(o: SiteOptions = {}): string {
  const plays = [{ name: "adversarial", hosts: o.hosts ?? "all", tasks: o.tasks ?? "" }, ...(o.morePlays ?? [])];
  const roles = ["sentinel", ...(o.roles ?? [])].join(", ");
  return `import { play, role, secret, site, z } from ${JSON.stringify(DSL)};

const sentinel = role({
  name: "sentinel",
  async tasks(h) {
    await h.file({ path: ${JSON.stringify(`${DIR}/${SENTINEL}`)}, state: "touch" });
  },
});
void z;
void secret;

${o.preamble ?? ""}

export default site({
  inventory: ${JSON.stringify(o.inventory ?? ["hosts.yml"])},
  plays: [
${plays
  .map(
    (p) => `    play({
      name: ${JSON.stringify(p.name)},
      hosts: ${JSON.stringify(p.hosts)},
      gatherFacts: false,
      roles: [${roles}],
      tasks: async (h) => {
        ${p.tasks}
      },
    }),`,
  )
  .join("\n")}
  ],
});
`;
}

/** The files of a minimal scratch site: site.ts (with options) and the local inventory. */
export function localSite(o: SiteOptions = {}, more: Record<string, string> = {}): Record<string, string> {
  return { "site.ts": siteSource(o), "hosts.yml": LOCAL_INVENTORY, ...more };
}
