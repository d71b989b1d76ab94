import { describe, expect, it } from "vitest";
import { debInstallScript, debProbeScript, debSources, parseDebProbe, planDebs } from "../../../src/modules/apt-deb.js";
import { apt, aptGetOptions } from "../../../src/modules/apt.js";

// apt's deb: the pure parts. The probe's lines below are what it printed on Debian 12 for .deb
// files built with dpkg-deb --build (bash installed as 5.2.15-2+b8).

const S = "\x1f";
const PROBE = [
  `deb${S}/tmp/bash_5.2.15-2+b8.deb${S}bash${S}5.2.15-2+b8${S}amd64${S}5.2.15-2+b8${S}eq${S}e442`,
  `deb${S}/tmp/bash_1.0.deb${S}bash${S}1.0${S}amd64${S}5.2.15-2+b8${S}older${S}9985`,
  `deb${S}/tmp/bash_99.0.deb${S}bash${S}99.0${S}amd64${S}5.2.15-2+b8${S}newer${S}afe9`,
  `deb${S}/tmp/hello_1.0.deb${S}dcv-args-hello${S}1.0-1${S}all${S}${S}${S}2c76`,
  `missing${S}/tmp/nothere.deb`,
  "@@sim",
  "Inst dcv-args-hello (1.0-1 local-deb [all])",
  "",
].join("\n");

describe("apt deb", () => {
  it("parses the probe: version comparison, missing files, the simulation", () => {
    const { debs, sim } = parseDebProbe(PROBE);
    expect(debs.map((d) => [d.source, d.cmp ?? "-", d.missing])).toEqual([
      ["/tmp/bash_5.2.15-2+b8.deb", "eq", false],
      ["/tmp/bash_1.0.deb", "older", false],
      ["/tmp/bash_99.0.deb", "newer", false],
      ["/tmp/hello_1.0.deb", "-", false],
      ["/tmp/nothere.deb", "-", true],
    ]);
    expect(debs[3]).toEqual({ source: "/tmp/hello_1.0.deb", missing: false, name: "dcv-args-hello", version: "1.0-1", arch: "all", sha256: "2c76" });
    expect(sim).toBe("Inst dcv-args-hello (1.0-1 local-deb [all])\n");
  });

  it("installs what is not installed in that version; an older file needs allow_downgrade", () => {
    const { debs } = parseDebProbe(PROBE);
    const [same, older, newer, fresh] = debs;
    if (!same || !older || !newer || !fresh) throw new Error("probe sample");
    expect(planDebs([same], false)).toEqual({ install: [], remove: [], actions: [], markManual: [] });
    expect(planDebs([newer, fresh], false)).toEqual({
      install: ["/tmp/bash_99.0.deb", "/tmp/hello_1.0.deb"],
      remove: [],
      actions: [
        { name: "bash", action: "upgrade", from: "5.2.15-2+b8", to: "99.0" },
        { name: "dcv-args-hello", action: "install", to: "1.0-1" },
      ],
      markManual: [],
    });
    expect(() => planDebs([older], false)).toThrow("/tmp/bash_1.0.deb: a later version of bash is installed (5.2.15-2+b8); allow_downgrade: true installs 1.0");
    expect(planDebs([older], true).actions).toEqual([{ name: "bash", action: "change-version", from: "5.2.15-2+b8", to: "1.0" }]);
  });

  it("a URL is one download whose credentials stay off command lines; paths are comma-separated", () => {
    expect(debSources("https://u:p@h.example/x.deb")).toEqual({ url: "https://u:p@h.example/x.deb", files: [] });
    expect(debSources("/a.deb, /b c.deb")).toEqual({ files: ["/a.deb", "/b c.deb"] });
    const probe = debProbeScript("https://u:secretpw@h.example/x.deb", undefined);
    expect(probe).not.toContain("secretpw");
    expect(probe).toContain("src='https://***@h.example/x.deb'");
    const install = debInstallScript("https://u:secretpw@h.example/x.deb", [{ source: "x", missing: false, name: "x", version: "1", arch: "all", sha256: "abc" }], "apt-get -q -y install", { install: ["x"], remove: [], actions: [], markManual: [] });
    expect(install.script).not.toContain("secretpw");
    expect(install.stdin).toContain('url = "https://u:secretpw@h.example/x.deb"');
    expect(install.script).toContain(`apt-get -q -y install "$w/download.deb"`);
  });

  it("the schema: deb alone, state=present only, not with name", () => {
    expect(apt.args.parse({ deb: "/tmp/x.deb" }).deb).toBe("/tmp/x.deb");
    const problem = (args: Record<string, unknown>) => apt.args.safeParse(args).error?.issues[0]?.message;
    expect(problem({ deb: "/tmp/x.deb", state: "absent" })).toBe("deb only supports state=present");
    expect(problem({ deb: "/tmp/x.deb", name: "x" })).toBe("deb and name are mutually exclusive");
    expect(problem({ deb: "x.deb" })).toBe("an absolute path on the host (or several, comma-separated), or an http:// or https:// URL");
    expect(problem({ deb: "ftp://h/x.deb" })).toBe("an absolute path on the host (or several, comma-separated), or an http:// or https:// URL");
  });
});

describe("apt options", () => {
  it("allow_unauthenticated reaches apt-get, as Ansible's apt passes it; off by default", () => {
    const args = (extra: Record<string, unknown>) => apt.args.parse({ name: "x", ...extra });
    expect(aptGetOptions(args({ allow_unauthenticated: true }))).toContain(" --allow-unauthenticated");
    expect(aptGetOptions(args({}))).not.toContain("unauthenticated");
  });
});

describe("apt default_release", () => {
  it("an empty one is none, as Ansible's apt reads it; a release is apt's Default-Release", () => {
    expect(aptGetOptions(apt.args.parse({ name: "nginx", default_release: "" }))).not.toContain("Default-Release");
    expect(aptGetOptions(apt.args.parse({ name: "nginx", default_release: "bookworm-backports" }))).toContain("-o APT::Default-Release=bookworm-backports");
  });
});
