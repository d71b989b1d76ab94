import { existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labSkipReason } from "../availability.js";
import { Lab } from "../lab.js";
import { RootShells, TestSite, explain } from "./harness.js";

const skip = labSkipReason();
const HOSTS = ["lb1", "lb2", "spare1"];
const DIR = "/srv/dcv-power";
const FILES = 40;

// Many whole-file writes per host, each of a different size, so a kill lands mid-stream.
const SITE = `
import { site, play } from "$DSL";
export default site({
  inventory: ["inventory.yml"],
  plays: [play({
    name: "many files",
    hosts: "all",
    become: true,
    gatherFacts: false,
    tasks: async (h) => {
      await h.file({ path: "${DIR}", state: "directory" });
      for (let i = 0; i < ${FILES}; i++) {
        await h.copy({ dest: "${DIR}/f" + i, content: ("line " + i + "\\n").repeat(2000 * (i + 1)) });
      }
    },
  })],
});
`;

describe.skipIf(skip !== undefined)("a host that loses power in the middle of a run", () => {
  const lab = Lab.fromFile();
  let site: TestSite;

  beforeAll(async () => {
    await lab.up();
    site = new TestSite(lab, { "site.ts": SITE }, HOSTS);
  });
  afterAll(async () => {
    site.remove();
    await lab.up(); // boots a fresh spare1 in place of the dead one
    const root = new RootShells(lab);
    for (const h of ["lb1", "lb2"]) await root.run(h, `rm -rf ${DIR}`);
    root.close();
  });

  it("the others finish, the recap says unreachable, exit 4, and no file is half-written", async () => {
    let killed = false;
    const run = await site.converge(["--forks", "3"], {
      onStdout: (chunk) => {
        if (!killed && /changed: \[spare1\] copy \/srv\/dcv-power\/f3\b/.test(chunk)) {
          killed = true;
          void lab.powerOff("spare1");
        }
      },
    });
    expect(killed, explain(run)).toBe(true);
    expect(run.code, explain(run)).toBe(4);
    expect(run.report?.recap.spare1?.unreachable, explain(run)).toBe(1);
    for (const h of ["lb1", "lb2"]) {
      expect(run.report?.recap[h]?.failed).toBe(0);
      expect(run.report?.recap[h]?.unreachable).toBe(0);
      expect(run.report?.recap[h]?.changed).toBe(FILES + 1);
    }
    expect(run.stdout).toMatch(/unreachable: \[spare1\]/);

    // On the dead host's disk every file is whole or absent: never a truncated destination.
    const dir = join(lab.rootOf("spare1"), DIR);
    const present = existsSync(dir) ? readdirSync(dir).filter((f) => /^f\d+$/.test(f)) : [];
    expect(present.length).toBeGreaterThan(0);
    expect(present.length).toBeLessThan(FILES);
    for (const f of present) {
      const i = Number(f.slice(1));
      expect(readFileSync(join(dir, f), "utf8") === `line ${i}\n`.repeat(2000 * (i + 1)), `${f} is incomplete`).toBe(true);
    }
  });
});
