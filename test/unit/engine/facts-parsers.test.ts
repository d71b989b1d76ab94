import { describe, expect, it } from "vitest";
import { parseFacts } from "../../../src/facts/gather.js";
import { parseIni } from "../../../src/facts/parse/local.js";
import { unescapeOctal } from "../../../src/facts/parse/mounts.js";
import { fqdnOf } from "../../../src/facts/parse/platform.js";
import { shlexSplitNonPosix } from "../../../src/facts/parse/system.js";
import { compareFacts, shapeOf } from "../../lab/facts-parity/compare.js";
import { files, probe } from "./facts-samples.js";

describe("the facts parsers' building blocks", () => {
  it("splits a kernel command line as Python's shlex.split(posix=False)", () => {
    expect(shlexSplitNonPosix('a=1 "b c"d e="f g" h')).toEqual(["a=1", '"b c"', "d", 'e="f', 'g"', "h"]);
    expect(shlexSplitNonPosix('quiet "unclosed')).toBeUndefined();
    expect(parseFacts(probe(files({ "/proc/cmdline": 'quiet "unclosed\n' }))).ansible.facts.cmdline).toEqual({});
  });

  it("socket.getfqdn(): the first dotted name of the host's address, else its canonical name, else the node name", () => {
    expect(fqdnOf("web-1", "10.0.0.5      web-1 web-1.example.com")).toBe("web-1.example.com");
    expect(fqdnOf("vm", "127.0.0.1       localhost")).toBe("localhost");
    expect(fqdnOf("solo", undefined)).toBe("solo");
  });

  it("undoes mtab's octal escapes", () => {
    expect(unescapeOctal("/srv/my\\040data\\011x")).toBe("/srv/my data\tx");
  });

  it("reads INI as configparser does: lowercased names, DEFAULT everywhere, continuation lines, interpolation", () => {
    expect(parseIni("[DEFAULT]\nzone = z1\n[general]\nName = web\npath: /srv/%(name)s/%(zone)s\nnote = one\n  two\n# comment\nraw = 100%%\n")).toEqual({
      general: { zone: "z1", name: "web", path: "/srv/web/z1", note: "one\ntwo", raw: "100%" },
    });
    expect(() => parseIni("key = value\n")).toThrow();
    expect(() => parseIni("[a]\nx = 1\nx = 2\n")).toThrow();
  });

  it("facts.d: JSON, INI, a script's output, a failing script and unreadable content, as Ansible reports them", () => {
    const f = parseFacts(
      probe({
        "local_out /etc/ansible/facts.d/app.fact": '{"role": "db", "n": 3}\n',
        "local_out /etc/ansible/facts.d/site.fact": "[general]\nname = web\n",
        "local_out /etc/ansible/facts.d/who.fact": '{"user": "root"}\n',
        "local_rc /etc/ansible/facts.d/who.fact": "0\n",
        "local_err /etc/ansible/facts.d/who.fact": "",
        "local_out /etc/ansible/facts.d/fail.fact": "",
        "local_rc /etc/ansible/facts.d/fail.fact": "3\n",
        "local_err /etc/ansible/facts.d/fail.fact": "boom\n",
        "local_out /etc/ansible/facts.d/broken.fact": "not json\n",
      }),
    );
    expect(f.ansible.facts.local).toEqual({
      app: { role: "db", n: 3 },
      site: { general: { name: "web" } },
      who: { user: "root" },
      fail: "Failure executing fact script (/etc/ansible/facts.d/fail.fact), rc: 3, err: boom\n",
      broken: "error loading facts as JSON or ini - please check content: /etc/ansible/facts.d/broken.fact",
    });
  });

  it("the parity comparison: equal, shape-only, listed, and a listed difference that has started to match", () => {
    expect(shapeOf({ b: [1, "x"], a: null })).toEqual({ a: "null", b: ["number", "string"] });
    const out = compareFacts(
      { ansible_a: 1, ansible_t: 5, ansible_d: "x", ansible_e: "same", ansible_f: 1 },
      { ansible_a: 1, ansible_t: 6, ansible_e: "same", ansible_f: 2 },
      { ansible_t: { why: "clock", normalize: shapeOf } },
      { ansible_d: { why: "not gathered" }, ansible_e: { why: "was different" } },
    );
    expect(out.map((o) => [o.fact, o.status])).toEqual([
      ["ansible_a", "equal"],
      ["ansible_d", "known-difference"],
      ["ansible_e", "listed-but-equal"],
      ["ansible_f", "unexpected-difference"],
      ["ansible_t", "equal"],
    ]);
  });
});
