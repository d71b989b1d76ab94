import { describe, expect, it } from "vitest";
import { NETEM_LIMIT, PROBE_LINKS, netemAddArgv, netemDelArgv, netemShowArgv, showsNetem } from "../../bench/netem.js";
import { benchTopology } from "../../bench/topologies.js";

// The tc commands of `--delay-ms`: one netem qdisc on the bench bridge's root, nothing else.

describe("netem commands", () => {
  it("adds, shows and removes a root netem qdisc on the one device named", () => {
    expect(netemAddArgv("dcbench0", 150)).toEqual(["qdisc", "replace", "dev", "dcbench0", "root", "netem", "delay", "150ms", "limit", String(NETEM_LIMIT)]);
    expect(netemShowArgv("dcbench0")).toEqual(["qdisc", "show", "dev", "dcbench0", "root"]);
    expect(netemDelArgv("dcbench0")).toEqual(["qdisc", "del", "dev", "dcbench0", "root"]);
  });

  it("probes on links of its own, never on the default lab's or the bench's bridge", () => {
    const taken = ["dclab0", benchTopology(1).bridge, "lo"];
    for (const l of PROBE_LINKS) expect(taken).not.toContain(l);
    for (const l of PROBE_LINKS) expect(l.length).toBeLessThanOrEqual(15);
  });

  it("recognises its qdisc in tc's listing", () => {
    const shown = "qdisc netem 8001: root refcnt 2 limit 100000 delay 150ms\n";
    expect(showsNetem(shown, 150)).toBe(true);
    expect(showsNetem(shown, 50)).toBe(false);
    expect(showsNetem("qdisc netem 8001: root refcnt 2 limit 100000 delay 50.0ms\n", 50)).toBe(true);
    expect(showsNetem("qdisc noqueue 0: root refcnt 2\n", 150)).toBe(false);
    expect(showsNetem("qdisc netem 8001: parent 1:1 limit 1000 delay 150ms\n", 150)).toBe(false);
  });
});
