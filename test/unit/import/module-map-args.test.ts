import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { argName, argProblem, argSchema, argsProblem, ourModule } from "../../../src/import/module-map.js";
import { importRole } from "../../../src/import/role.js";
import { tempTree } from "../inventory/helpers.js";

// The module arguments Ansible roles use, under Ansible's names and aliases, as the importer maps them.

describe("module-map: arguments under Ansible's names", () => {
  it("uri: user/password are url_username/url_password; force_basic_auth and validate_certs are taken", () => {
    expect(argName("uri", "user")).toBe("url_username");
    expect(argName("uri", "password")).toBe("url_password");
    expect(argsProblem("uri", { url: "https://h.example/", url_username: "u", url_password: "p", force_basic_auth: true, validate_certs: false })).toBeUndefined();
    expect(argsProblem("uri", { url: "https://h.example/", url_password: "p" })).toBe("url_password: url_password needs url_username");
    expect(argProblem("uri", "validate_certs", "no")).toMatch(/^validate_certs: "no": /);
  });

  it("file: recurse and follow; recurse without state means a directory", () => {
    expect(argsProblem("file", { path: "/srv/app", recurse: true, owner: "www-data", follow: false })).toBeUndefined();
    expect(argsProblem("file", { path: "/srv/app", recurse: true, state: "touch" })).toBe("recurse: recurse needs state=directory");
  });

  it("apt: deb, alone and with state=present; unarchive: extra_opts", () => {
    expect(argsProblem("apt", { deb: "https://example.com/python-ppq_0.1-1_all.deb" })).toBeUndefined();
    expect(argsProblem("apt", { deb: "/tmp/mypackage.deb", state: "latest" })).toBe("deb: deb only supports state=present");
    expect(argsProblem("unarchive", { src: "/tmp/foo.zip", dest: "/usr/local/bin", remote_src: true, extra_opts: ["--transform", "s/^xxx/yyy/"] })).toBeUndefined();
  });

  it("mysql_replication: the FQCN, the master_* aliases; mysql_user: plugin strings, column_case_sensitive, the anonymous user", () => {
    expect(ourModule("community.mysql.mysql_replication")).toBe("mysql_replication");
    for (const old of ["master_host", "master_user", "master_password", "master_port", "master_log_file", "master_log_pos", "master_use_gtid", "master_delay"]) {
      const ours = argName("mysql_replication", old);
      expect(ours, old).toBe(old.replace("master_", "primary_"));
      expect(argSchema("mysql_replication", ours), ours).toBeDefined();
    }
    expect(argsProblem("mysql_replication", { mode: "changemaster", primary_host: "db1", primary_log_file: "mysql-bin.000002", primary_log_pos: 328 })).toBeUndefined();
    expect(argsProblem("mysql_replication", { mode: "getslave" })).toBeUndefined();
    expect(argsProblem("mysql_user", { name: "", host: "db1", state: "absent" })).toBeUndefined();
    expect(argsProblem("mysql_user", { name: "sst", plugin: "ed25519", plugin_auth_string: "pw", column_case_sensitive: true })).toBeUndefined();
  });

  it("mount and ansible.posix.mount: name is path; a task converts to h.mount()", async () => {
    expect(ourModule("mount")).toBe("mount");
    expect(ourModule("ansible.posix.mount")).toBe("mount");
    expect(argName("mount", "name")).toBe("path");
    expect(argsProblem("mount", { path: "/srv/data", src: "tmpfs", fstype: "tmpfs", opts: "size=64m", state: "mounted", dump: 0, passno: 0 })).toBeUndefined();
    expect(argsProblem("mount", { path: "/srv/data", fstype: "tmpfs", state: "mounted" })).toBe("src: src is required with state=mounted");
    const dir = await tempTree({
      "tasks/main.yml": [
        "- name: data on tmpfs",
        "  ansible.posix.mount:",
        "    name: /srv/data",
        "    src: tmpfs",
        "    fstype: tmpfs",
        '    opts: "size={{ data_size }}"',
        "    state: mounted",
        "- mount: path=/mnt/dvd state=unmounted",
        "",
      ].join("\n"),
      "defaults/main.yml": "data_size: 64m\n",
    });
    const r = importRole(dir, { name: "demo", out: join(dir, "out") });
    expect(r.notConverted).toEqual([]);
    const code = readFileSync(join(dir, "out/index.ts"), "utf8");
    expect(code).toContain(
      [
        '    await h.mount(h.jinja.args("mount", {',
        '      path: "/srv/data",',
        '      src: "tmpfs",',
        '      fstype: "tmpfs",',
        '      opts: jinja("size={{ data_size }}"),',
        '      state: "mounted",',
        '    }), { name: "data on tmpfs" });',
      ].join("\n"),
    );
    expect(code).toContain('await h.mount({ path: "/mnt/dvd", state: "unmounted" });');
  });
});
