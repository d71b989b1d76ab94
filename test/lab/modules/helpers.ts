import { type Converge, DSL, type RootShells, TestSite } from "../engine/harness.js";
import type { Lab } from "../lab.js";

/**
 * How a module's lab tests on one host begin (their beforeAll): the lab up, the host brought to a
 * known state by `setUp`, then the site written, with an inventory of that host alone.
 */
export async function openSite(lab: Lab, host: string, files: Record<string, string>, setUp?: () => Promise<unknown>): Promise<TestSite> {
  await lab.up();
  await setUp?.();
  return new TestSite(lab, files, [host]);
}

/**
 * How they end (their afterAll): `cleanUp` on the host, whose failure is ignored (the tests'
 * results stand), then the root shells closed and the site removed.
 */
export async function closeSite(root: RootShells, site: TestSite | undefined, cleanUp?: () => Promise<unknown>): Promise<void> {
  await cleanUp?.().catch(() => undefined);
  root.close();
  site?.remove();
}

/**
 * A site file of one play on all hosts, with become and without facts: `consts` are declared at its
 * top (as JSON), `tasks` is the body of its tasks function, where the host is `h`.
 */
export function playSite(name: string, consts: Record<string, string>, tasks: string): string {
  const declared = Object.entries(consts).map(([k, v]) => `const ${k} = ${JSON.stringify(v)};\n`);
  return `
import { site, play } from "${DSL}";
${declared.join("")}export default site({
  inventory: ["inventory.yml"],
  plays: [play({ name: ${JSON.stringify(name)}, hosts: "all", become: true, gatherFacts: false, tasks: async (h) => {
${tasks}
  } })],
});
`;
}

/** A run's tasks as "name: status", in the order they ran: what a test expects of a converge at a glance. */
export const statuses = (r: Converge): string[] => r.report?.tasks.map((t) => `${t.task}: ${t.status}`) ?? [];
