import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const bin = new URL("../../bin/do-converge.js", import.meta.url).pathname;

describe("do-converge template render", () => {
  const dir = mkdtempSync(join(tmpdir(), "dcv-render-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "hosts.yml"), "all:\n  vars: { port: 80 }\n  children:\n    db:\n      hosts:\n        db1: { ansible_host: 10.0.0.1 }\n        db2: { ansible_host: 10.0.0.2, port: 81 }\n");
  writeFileSync(join(dir, "extra.yml"), "port: 8080\n");
  writeFileSync(
    join(dir, "t.cfg.njk"),
    "# {{ inventory_hostname }} in {{ group_names | join(',') }}\nport={{ port }}\n{% for h in groups['db'] %}server {{ h }} {{ hostvars[h]['ansible_host'] }}:{{ hostvars[h].port }}\n{% endfor %}",
  );

  it("renders with a host's variables, groups and hostvars from an inventory; --vars on top", () => {
    const out = execFileSync("node", [bin, "template", "render", join(dir, "t.cfg.njk"), "-i", join(dir, "hosts.yml"), "--host", "db2", "--vars", join(dir, "extra.yml")], { encoding: "utf8" });
    expect(out).toBe("# db2 in db\nport=8080\nserver db1 10.0.0.1:80\nserver db2 10.0.0.2:81\n");
  });

  it("fails with template:line:col and the variable, exit 1", () => {
    const r = spawnSync("node", [bin, "template", "render", join(dir, "t.cfg.njk")], { encoding: "utf8" });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("ERROR: t.cfg.njk:1:6: undefined variable 'inventory_hostname'\n");
  });

  it("--facts-cache: a host's facts from Ansible's jsonfile cache, above inventory vars, below -e; a host without a file has none", () => {
    const cache = join(dir, "facts");
    mkdirSync(cache);
    writeFileSync(join(cache, "db1"), JSON.stringify({ ansible_os_family: "Debian", ansible_memtotal_mb: 2048, ansible_local: { x: 1 } }));
    writeFileSync(join(dir, "facts.j2"), "{{ ansible_os_family }} {{ ansible_facts.os_family }} {{ ansible_facts.local.x | default('-') }} {{ ansible_facts.ansible_local.x }} {{ ansible_memtotal_mb }} {{ hostvars['db2'].ansible_facts }}\n");
    const render = (...more: string[]) =>
      spawnSync("node", [bin, "template", "render", join(dir, "facts.j2"), "-i", join(dir, "hosts.yml"), "--host", "db1", "--facts-cache", cache, ...more], { encoding: "utf8" });
    expect(render().stdout).toBe("Debian Debian - 1 2048 {}\n");
    expect(render("-e", "ansible_memtotal_mb=1").stdout).toBe("Debian Debian - 1 1 {}\n");
    writeFileSync(join(cache, "db1"), "{ not json");
    const bad = render();
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`${join(cache, "db1")}: not a JSON fact cache file`);
  });
});
