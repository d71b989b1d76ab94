import { describe, expect, it } from "vitest";
import { cacheStaleReason, parseCacheLine } from "../../../src/modules/apt-cache.js";
import { packagesDiff, parseDpkgQuery, parsePolicy, parseSimulation, parseSpec, planPackages, summarize } from "../../../src/modules/apt-plan.js";

// Outputs as Debian 12's dpkg-query, apt-cache and apt-get print them (captured on lab hosts).
const DPKG = "libc6\tamd64\tinstall ok installed\t2.36-9+deb12u14\njq\tamd64\tinstall ok installed\t1.6-2.1+deb12u2\nnano\tamd64\tdeinstall ok config-files\t7.2-1\n";
const POLICY = `jq:
  Installed: 1.6-2.1+deb12u2
  Candidate: 1.6-2.1+deb12u3
  Version table:
     1.6-2.1+deb12u3 500
        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages
 *** 1.6-2.1+deb12u2 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
        100 /var/lib/dpkg/status
tree:
  Installed: (none)
  Candidate: 2.1.0-1
  Version table:
     2.1.0-1 500
        500 http://deb.debian.org/debian bookworm/main amd64 Packages
mail-transport-agent:
  Installed: (none)
  Candidate: (none)
  Version table:
`;
const SIM = `NOTE: This is only a simulation!
Inst libonig5 (6.9.8-1 Debian:12.15/oldstable [amd64])
Inst libjq1 [1.6-2.1+deb12u2] (1.6-2.1+deb12u3 Debian-Security:12/oldstable-security [amd64])
Inst tree (2.1.0-1 Debian:12.15/oldstable [amd64])
Conf tree (2.1.0-1 Debian:12.15/oldstable [amd64])
Remv libpopt0 [1.19+dfsg-1]
Purg nano [7.2-1]
`;

const dpkg = parseDpkgQuery(DPKG);
const plan = (names: string[], state: "present" | "absent" | "latest", extra: { purge?: boolean; provided?: string[]; auto?: string[] } = {}) =>
  planPackages({ specs: names.map(parseSpec), state, purge: extra.purge ?? false, dpkg, provided: new Set(extra.provided ?? []), policy: parsePolicy(POLICY), auto: new Set(extra.auto ?? []) });

describe("apt: package specs and host output", () => {
  it("parses names, arch qualifiers and version pins; refuses wildcards and shell words", () => {
    expect(parseSpec("jq")).toEqual({ raw: "jq", name: "jq" });
    expect(parseSpec("libc6:i386=2.36-9")).toEqual({ raw: "libc6:i386=2.36-9", name: "libc6", arch: "i386", version: "2.36-9" });
    expect(parseSpec("jq=1.6-2.1+deb12u2").version).toBe("1.6-2.1+deb12u2");
    expect(parseSpec("libstdc++6").name).toBe("libstdc++6");
    for (const bad of ["jq=1.6*", "jq>=1.6", "Jq", "a b", "x;rm -rf /", ""]) expect(() => parseSpec(bad)).toThrow(/not a package name/);
  });

  it("reads dpkg-query status lines, apt-cache policy and apt-get -s", () => {
    expect(dpkg).toEqual([
      { name: "libc6", arch: "amd64", want: "install", status: "installed", version: "2.36-9+deb12u14" },
      { name: "jq", arch: "amd64", want: "install", status: "installed", version: "1.6-2.1+deb12u2" },
      { name: "nano", arch: "amd64", want: "deinstall", status: "config-files", version: "7.2-1" },
    ]);
    const pol = parsePolicy(POLICY);
    expect(pol.get("jq")).toEqual({ installed: "1.6-2.1+deb12u2", candidate: "1.6-2.1+deb12u3" });
    expect(pol.get("tree")).toEqual({ candidate: "2.1.0-1" });
    expect(pol.get("mail-transport-agent")).toEqual({});
    expect(parseSimulation(SIM)).toEqual([
      { op: "install", name: "libonig5", to: "6.9.8-1" },
      { op: "install", name: "libjq1", from: "1.6-2.1+deb12u2", to: "1.6-2.1+deb12u3" },
      { op: "install", name: "tree", to: "2.1.0-1" },
      { op: "remove", name: "libpopt0", from: "1.19+dfsg-1" },
      { op: "purge", name: "nano", from: "7.2-1" },
    ]);
  });
});

describe("apt: the plan", () => {
  it("present installs only what is missing or pinned elsewhere, in one transaction", () => {
    const p = plan(["libc6", "tree", "jq=1.6-2.1+deb12u3", "jq"], "present");
    expect(p.install).toEqual(["tree", "jq=1.6-2.1+deb12u3"]);
    expect(p.remove).toEqual([]);
    expect(p.actions).toEqual([
      { name: "tree", action: "install" },
      { name: "jq", action: "change-version", from: "1.6-2.1+deb12u2", to: "1.6-2.1+deb12u3" },
    ]);
    expect(plan(["libc6", "jq=1.6-2.1+deb12u2"], "present").actions).toEqual([]);
  });

  it("a named package installed only as a dependency is marked manually installed, as Ansible's apt marks what it is given", () => {
    // libc6 and jq auto-installed; tree is to be installed (apt-get install marks it itself); nano is not installed.
    const p = plan(["libc6", "tree", "nano", "libc6"], "present", { auto: ["libc6", "jq", "nano"] });
    expect(p.markManual).toEqual(["libc6"]);
    expect(p.install).toEqual(["tree", "nano"]);
    // An installed package at its candidate (libc6) is kept and marked; one to upgrade goes through apt-get install.
    expect(plan(["libc6", "jq"], "latest", { auto: ["libc6", "jq"] }).markManual).toEqual(["libc6"]);
    // A pin to another version is a transaction, not a mark; absent never marks.
    expect(plan(["jq=1.6-2.1+deb12u3"], "present", { auto: ["jq"] }).markManual).toEqual([]);
    expect(plan(["jq"], "absent", { auto: ["jq"] }).markManual).toEqual([]);
    expect(plan(["libc6", "jq"], "present").markManual).toEqual([]);
  });

  it("present is satisfied by an installed provider of a virtual package; a config-files leftover is not installed", () => {
    expect(plan(["mail-transport-agent"], "present", { provided: ["mail-transport-agent"] }).install).toEqual([]);
    expect(plan(["nano"], "present").actions).toEqual([{ name: "nano", action: "install" }]);
  });

  it("latest upgrades to the candidate, installs what is missing, fails on what apt does not know", () => {
    const p = plan(["jq", "tree", "libc6"], "latest");
    expect(p.install).toEqual(["jq", "tree"]);
    expect(p.actions).toEqual([
      { name: "jq", action: "upgrade", from: "1.6-2.1+deb12u2", to: "1.6-2.1+deb12u3" },
      { name: "tree", action: "install", to: "2.1.0-1" },
    ]);
    expect(() => plan(["mail-transport-agent"], "latest")).toThrow(/no installation candidate/);
  });

  it("absent removes what is on disk; purge also clears config-files leftovers; a pin removes only that version", () => {
    expect(plan(["jq", "tree", "nano"], "absent").actions).toEqual([{ name: "jq", action: "remove", from: "1.6-2.1+deb12u2" }]);
    const purge = plan(["jq", "nano"], "absent", { purge: true });
    expect(purge.remove).toEqual(["jq", "nano"]);
    expect(purge.actions.map((a) => a.action)).toEqual(["purge", "purge"]);
    expect(plan(["jq=9.9"], "absent").remove).toEqual([]);
    expect(plan(["jq=1.6-2.1+deb12u2"], "absent").remove).toEqual(["jq"]);
  });

  it("summarizes and diffs the transaction, dependencies from the simulation included", () => {
    const p = plan(["tree", "jq=1.6-2.1+deb12u3"], "present");
    expect(summarize(p.actions)).toBe("install tree; change-version jq 1.6-2.1+deb12u2 -> 1.6-2.1+deb12u3");
    const sim = parseSimulation(SIM).slice(0, 3);
    expect(summarize(p.actions, sim)).toBe("install tree; change-version jq 1.6-2.1+deb12u2 -> 1.6-2.1+deb12u3; and install libonig5, install libjq1");
    expect(packagesDiff(p.actions, sim)).toEqual({
      before: "libjq1 1.6-2.1+deb12u2\nlibonig5 (not installed)\ntree (not installed)\n",
      after: "libjq1 1.6-2.1+deb12u3\nlibonig5 6.9.8-1\ntree 2.1.0-1\n",
    });
    expect(packagesDiff(plan(["jq"], "absent").actions)).toEqual({ before: "jq 1.6-2.1+deb12u2\n", after: "jq (removed)\n" });
  });
});

describe("apt: cache freshness", () => {
  const now = 1_800_000_000;
  const c = (o: Partial<ReturnType<typeof parseCacheLine>>) => ({ listFiles: 4, newestList: now - 7200, stamp: now - 60, newestSources: now - 86400, now, ...o });

  it("reads the probe line", () => {
    expect(parseCacheLine(`junk\ncache 4 1799990000.1234 1799999000.5 0 ${now}\n`)).toEqual({ listFiles: 4, newestList: 1799990000.1234, stamp: 1799999000.5, newestSources: 0, now });
    expect(() => parseCacheLine("nothing")).toThrow(/apt cache state/);
  });

  it("is fresh by the newer of the stamp and the lists, only while list files exist and no source changed since", () => {
    expect(cacheStaleReason(c({}), 3600)).toBeUndefined();
    // apt dates lists by the server's Last-Modified: old lists with a fresh stamp are fresh.
    expect(cacheStaleReason(c({ stamp: 0, newestList: now - 100 }), 3600)).toBeUndefined();
    expect(cacheStaleReason(c({ stamp: now - 4000 }), 3600)).toMatch(/4000 s old/);
    // docs/debian12-notes.md, 9: wiped lists are stale whatever the stamp or directory say.
    expect(cacheStaleReason(c({ listFiles: 0 }), 3600)).toBe("no package lists");
    expect(cacheStaleReason(c({ newestSources: now - 10 }), 3600)).toBe("sources changed since the last update");
    // Written in the same second as the update, but after it.
    expect(cacheStaleReason(c({ stamp: now - 1.5, newestSources: now - 1.2 }), 3600)).toBe("sources changed since the last update");
    expect(cacheStaleReason(c({ stamp: now - 4000.7 }), 3600)).toBe("lists are 4000 s old (cache_valid_time 3600)");
    expect(cacheStaleReason(c({}), undefined)).toMatch(/without cache_valid_time/);
    expect(cacheStaleReason(c({}), 0)).toMatch(/without cache_valid_time/);
  });
});
