import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { bootOptions, removeFstabEntry, setFstabEntry } from "../../../src/modules/fstab-edit.js";
import { MOUNT_CASES, type MountCase } from "./mount-fstab.cases.js";
import { VENDORED_COLLECTIONS, runAnsibleModule } from "./ansible-oracle/oracle.js";
import { MOUNT_MODULE } from "./ansible-oracle/record-mount.js";

// The fstab editor against ansible.posix.mount 1.5.4 itself: its outcomes for every case are
// recorded in mount-fstab.expected.json (by ansible-oracle/record-mount.ts, running the real
// module), and the module (vendored in test/fixtures/collections) is run again here: it must
// still agree with the recording.

const Recorded = z.record(z.string(), z.object({ failed: z.boolean(), changed: z.boolean(), msg: z.string(), content: z.string().nullable() }));
const recorded = Recorded.parse(JSON.parse(readFileSync(new URL("./mount-fstab.expected.json", import.meta.url), "utf8")));

function ours(c: MountCase): { changed: boolean; content: string | null } {
  const a = c.args;
  const text = c.content ?? "";
  const e =
    a.state === "present"
      ? setFstabEntry(text, { src: a.src ?? "", name: a.path, fstype: a.fstype ?? "", opts: bootOptions(a.opts ?? "defaults", a.boot ?? true).opts, dump: String(a.dump ?? "0"), passno: String(a.passno ?? "0") })
      : removeFstabEntry(text, a.path, a.src);
  return { changed: e.changed, content: e.content };
}

describe("mount's fstab editor (outcomes of ansible.posix 1.5.4's mount)", () => {
  it("every case is recorded, and only those", () => {
    expect(Object.keys(recorded).sort()).toEqual(MOUNT_CASES.map((c) => c.name).sort());
  });

  for (const c of MOUNT_CASES) {
    it(c.name, () => {
      const want = recorded[c.name];
      if (want === undefined) throw new Error("not recorded");
      expect(want.failed).toBe(false);
      // Ansible creates a missing fstab before anything else; every such case here writes a line.
      expect(ours(c)).toEqual({ changed: want.changed, content: want.content });
    });
  }

  it("every changed result is stable: the same arguments on the result change nothing", () => {
    for (const c of MOUNT_CASES.filter((x) => recorded[x.name]?.changed)) {
      const once = ours(c);
      expect(ours({ ...c, content: once.content }).changed, c.name).toBe(false);
    }
  });

  it("a case table that would catch a wrong editor: another option changes the outcome", () => {
    const c = MOUNT_CASES.find((x) => x.name === "other options: the line is rewritten, the rest kept");
    if (!c) throw new Error("case missing");
    expect(ours({ ...c, args: { ...c.args, opts: "size=256m" } }).content).not.toBe(recorded[c.name]?.content);
  });

  it("boot: Ansible's warnings when noauto or defaults make it moot", () => {
    expect(bootOptions("size=1m", false)).toEqual({ opts: "size=1m,noauto", boot: "no", warnings: [] });
    expect(bootOptions("defaults", false)).toEqual({ opts: "defaults", boot: "no", warnings: ["Ignore the 'boot' due to 'opts' contains 'defaults'."] });
    expect(bootOptions("ro,noauto", true)).toEqual({ opts: "ro,noauto", boot: "yes", warnings: ["Ignore the 'boot' due to 'opts' contains 'noauto'."] });
    expect(bootOptions("ro", true)).toEqual({ opts: "ro", boot: "yes", warnings: [] });
  });

  it("the recording still matches ansible.posix's module, run now", () => {
    const live = runAnsibleModule(MOUNT_CASES.map((c) => ({ module: MOUNT_MODULE, path: VENDORED_COLLECTIONS, content: c.content, args: c.args, file_arg: "fstab" })));
    expect(Object.fromEntries(MOUNT_CASES.map((c, i) => [c.name, live[i]]))).toEqual(recorded);
  }, 120_000);
});
