import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { modules } from "../../../src/modules/registry.js";
import { parseDpkgQuery } from "../../../src/modules/package-facts.js";
import { LOCAL_INVENTORY, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";

describe("package_facts: dpkg's database as python-apt's cache lists installed packages", () => {
  const OUT = [
    "bash\t5.2.15-2+b2\tamd64\tshells\tii ",
    "libc6\t2.36-9+deb12u4\tamd64\tlibs\tii ",
    "libc6\t2.36-9+deb12u4\ti386\tlibs\tii ",
    "tzdata\t2024a-0+deb12u1\tall\tlocalization\tii ",
    "oldpkg\t1.0\tamd64\tmisc\trc ",
    "gone\t\tamd64\t\tun ",
    "half\t2.0\tamd64\tutils\tiU ",
    "",
  ].join("\n");

  it("installed (and unpacked) versions under apt's names; removed ones left out", () => {
    expect(parseDpkgQuery(OUT, "amd64")).toEqual({
      bash: [{ name: "bash", version: "5.2.15-2+b2", arch: "amd64", category: "shells", source: "apt" }],
      libc6: [{ name: "libc6", version: "2.36-9+deb12u4", arch: "amd64", category: "libs", source: "apt" }],
      "libc6:i386": [{ name: "libc6:i386", version: "2.36-9+deb12u4", arch: "i386", category: "libs", source: "apt" }],
      tzdata: [{ name: "tzdata", version: "2024a-0+deb12u1", arch: "all", category: "localization", source: "apt" }],
      half: [{ name: "half", version: "2.0", arch: "amd64", category: "utils", source: "apt" }],
    });
  });

  it("takes Ansible's manager and strategy arguments, and refuses a manager it cannot read", () => {
    const args = modules.package_facts.args;
    expect(args.parse({})).toEqual({ manager: ["auto"], strategy: "first" });
    expect(args.parse({ manager: "apt", strategy: "all" })).toEqual({ manager: ["apt"], strategy: "all" });
    expect(args.safeParse({ manager: ["rpm"] }).success).toBe(false);
    expect(args.safeParse({ manager: "apt", extra: 1 }).success).toBe(false);
  });
});

describe("slurp against ansible-core's on this machine (local connection)", { timeout: 180_000 }, () => {
  const dir = scratchDir("slurp");
  const bytes = Buffer.from([0, 1, 2, 0xff, 0xfe, 10, 0x41, 0x42, 0x43, 10, 13]);
  writeFileSync(join(dir, "data.bin"), bytes);
  writeFileSync(join(dir, "data.txt"), "héllo");
  writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
  mkdirSync(join(dir, "templates"));
  writeFileSync(join(dir, "templates/out.j2"), "{{ r.content }} {{ r.encoding }} {{ r.source }} {{ r.content | b64decode if r.source.endswith('.txt') else 'binary' }}\n");

  it.each([
    ["data.bin", "binary"],
    ["data.txt", "héllo"],
  ])("returns the same content, encoding and source (%s)", async (name, decoded) => {
    const src = join(dir, name);
    writeFileSync(
      join(dir, "playbook.yml"),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - slurp: { path: "${src}" }\n      register: r\n    - template: { src: out.j2, dest: "${dir}/ansible.txt" }\n`,
    );
    writeFileSync(join(dir, "site.ts"), siteSource(`const r = await h.slurp({ src: ${JSON.stringify(src)} });\nawait h.template({ src: "out.j2", dest: ${JSON.stringify(join(dir, "ours.txt"))}, vars: { r } });`));
    await ansible(dir, "ansible-playbook", ["-i", "hosts.yml", "playbook.yml"]);
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const ours = readFileSync(join(dir, "ours.txt"), "utf8");
    expect(ours).toBe(readFileSync(join(dir, "ansible.txt"), "utf8"));
    expect(ours).toBe(`${readFileSync(src).toString("base64")} base64 ${src} ${decoded}\n`);
  });

  it("a missing file and a directory fail with Ansible's messages; noLog keeps the content out of the output", async () => {
    writeFileSync(
      join(dir, "failing.ts"),
      siteSource(
        [
          `await h.slurp({ src: ${JSON.stringify(join(dir, "nope"))} }, { name: "missing", ignoreErrors: true });`,
          `await h.slurp({ src: ${JSON.stringify(dir)} }, { name: "dir", ignoreErrors: true });`,
          `await h.slurp({ src: ${JSON.stringify(join(dir, "data.bin"))} }, { name: "secret", noLog: true });`,
        ].join("\n"),
      ),
    );
    const r = await cli(dir, ["failing.ts", "-i", "hosts.yml", "--no-typecheck", "-vvv", "--check"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain(`file not found: ${join(dir, "nope")}`);
    expect(r.stdout).toContain(`source is a directory and must be a file: ${dir}`);
    expect(r.stdout + r.stderr).not.toContain(bytes.toString("base64"));
    expect(r.stdout).toMatch(/ok: \[localhost\] secret/);
  });
});
