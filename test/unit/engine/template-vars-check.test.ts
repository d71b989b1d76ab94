import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { YamlInventorySource, loadInventory } from "../../../src/inventory/index.js";
import { type Play, type Role, play, role, site, z } from "../../../src/index.js";
import { ConfigError } from "../../../src/runner/errors.js";
import { prepareRun } from "../../../src/runner/prepare.js";
import { checkTemplates } from "../../../src/runner/template-check.js";
import { checkTemplateVars } from "../../../src/runner/template-vars-check.js";
import { defaultSshOptions } from "../../../src/transport/ssh.js";
import { tempTree } from "../inventory/helpers.js";

// The pre-flight over a site directory on disk: templates, site.ts (read, never run), inventory
// and group_vars; the site object itself is built here. No host is contacted.

const INVENTORY = "all:\n  hosts:\n    db1: {}\n  children:\n    web:\n      hosts:\n        web1: {}\n";

const demo = role({
  name: "demo",
  vars: z.object({ demo_port: z.number().default(8080), demo_tls: z.boolean().optional() }),
  async tasks() {},
});

async function preflight(files: Record<string, string>, plays: Play[] = [play({ name: "demo", hosts: "all", roles: [demo] })]) {
  const dir = await tempTree({ "inventory.yml": INVENTORY, "site.ts": "// no code that provides variables\n", ...files });
  const inventory = await loadInventory({ sources: [new YamlInventorySource(join(dir, "inventory.yml"))], siteDirs: [dir] });
  const s = site({ inventory: ["inventory.yml"], plays });
  const prepared = prepareRun(s, inventory, { check: false, diff: false, forks: 5, tags: [], skipTags: [], extraVars: {}, verbosity: 0, ssh: defaultSshOptions() });
  return () => checkTemplateVars(s, dir, prepared.plays);
}

async function message(run: () => Promise<unknown>): Promise<string> {
  const err = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ConfigError);
  return (err as Error).message;
}

const T = "roles/demo/templates";

describe("pre-flight: template variables every host must have", () => {
  it("an undefined variable: template:line:col, the variable, the hosts and the role", async () => {
    const run = await preflight({ [`${T}/app.conf.j2`]: "port = {{ demo_port }}\nname = {{ nosuch }}\n" });
    expect(await message(run)).toBe(
      "undefined template variable (nothing was run):\n  roles/demo/templates/app.conf.j2:2:11: undefined variable 'nosuch' for hosts db1, web1 (role demo)",
    );
  });

  it("follows a variable into its value: an undefined name there names the template, the variable, its file:line and the name", async () => {
    const run = await preflight({ [`${T}/app.conf.j2`]: "port = {{ demo_port }}\nurl = {{ site_url }}\n", "group_vars/all.yml": "site_url: \"https://{{ site_host }}/\"\n" });
    const msg = await message(run);
    expect(msg).toMatch(/^template variables that cannot be evaluated \(nothing was run\):\n  roles\/demo\/templates\/app\.conf\.j2:2:10: 'site_url' for host db1: \S*group_vars\/all\.yml:1: 'site_url' \(\S*group_vars\/all\.yml:1\) uses undefined variable 'site_host'\n/);
    expect(msg).toContain("app.conf.j2:2:10: 'site_url' for host web1: ");
  });

  it("a value that waits for facts is not judged before the run", async () => {
    const run = await preflight({ [`${T}/app.conf.j2`]: "mem = {{ mem }}\n", "group_vars/all.yml": "mem: \"{{ ansible_memtotal_mb // 4 }}\"\n" });
    await expect(run()).resolves.toEqual({});
  });

  it("an ansible_ name that is no fact, no interface and none of the run's own is refused before the run, in a value and in a template", async () => {
    const run = await preflight({
      [`${T}/app.conf.j2`]: "mem = {{ mem }}\nmode = {{ ansible_chek_mode }}\n",
      "group_vars/all.yml": "mem: \"{{ ansible_memtotl_mb // 4 }}\"\n",
    });
    const msg = await message(run);
    expect(msg).toMatch(/app\.conf\.j2:1:10: 'mem' for host db1: \S*group_vars\/all\.yml:1: 'mem' \(\S*group_vars\/all\.yml:1\) uses undefined variable 'ansible_memtotl_mb'/);
    expect(msg).toMatch(/app\.conf\.j2:2:11: undefined variable 'ansible_chek_mode' for hosts db1, web1/);
  });

  it("per-interface facts wait for the facts; the run's own variables (check mode, version, play hosts) are known", async () => {
    const template = [
      "{{ ansible_eth1.ipv4.address }} {{ ansible_eth0_1.ipv4.address }} {{ ansible_enp0s3 }} {{ ansible_br_1a2b3c }} {{ ansible_lo }} {{ ansible_host0 }}",
      "{{ ansible_check_mode }} {{ ansible_diff_mode }} {{ ansible_version.full }} {{ ansible_play_hosts | join(',') }} {{ ansible_play_batch }} {{ play_hosts }} {{ ansible_play_name }}",
    ].join("\n");
    const run = await preflight({ [`${T}/app.conf.j2`]: template, "group_vars/all.yml": "addr: \"{{ ansible_eth1.ipv4.address }}\"\nv: \"{{ ansible_version.major }}\"\n" });
    expect(await run()).toEqual({});
  });

  it("a variable group_vars gives some hosts: the error names only the others", async () => {
    const run = await preflight({ [`${T}/app.conf.j2`]: "name = {{ web_name }}\n", "group_vars/web.yml": "web_name: www\n" });
    expect(await message(run)).toBe("undefined template variable (nothing was run):\n  roles/demo/templates/app.conf.j2:1:11: undefined variable 'web_name' for host db1 (role demo)");
  });

  it("every problem at once, one line per template and variable", async () => {
    const run = await preflight({
      [`${T}/a.j2`]: "{{ one }} {{ one }} {{ two }}\n{% include 'part.j2' %}\n",
      [`${T}/b.j2`]: "{% include 'part.j2' %}\n",
      [`${T}/part.j2`]: "{{ three }}\n",
    });
    expect(await message(run)).toBe(
      [
        "undefined template variables (nothing was run):",
        "  roles/demo/templates/a.j2:1:4: undefined variable 'one' for hosts db1, web1 (role demo)",
        "  roles/demo/templates/a.j2:1:24: undefined variable 'two' for hosts db1, web1 (role demo)",
        "  roles/demo/templates/part.j2:1:4: undefined variable 'three' for hosts db1, web1 (role demo)",
      ].join("\n"),
    );
  });

  it("guarded and conditional uses pass, and so do role defaults, magic variables, hostvars and facts", async () => {
    const template = [
      "{{ demo_port }} {{ inventory_hostname }} {{ groups['all'] | length }} {{ group_names }}",
      "{{ hostvars[inventory_hostname]['ansible_host'] | default('') }} {{ ansible_hostname }} {{ ansible_facts.fqdn }} {{ ansible_eth0.ipv4.address }}",
      "{{ maybe | default('x') }}{% if other is defined %}{{ other }}{% endif %}",
      "{% if demo_tls | default(false) %}{{ tls_cert }}{% endif %}",
      "{% for h in groups['web'] %}{{ hostvars[h].web_only }}{% endfor %}",
    ].join("\n");
    const run = await preflight({ [`${T}/app.conf.j2`]: template });
    expect(await run()).toEqual({});
  });

  it("a name passed in a template call's literal vars passes, wherever the call is", async () => {
    const run = await preflight({
      [`${T}/item.j2`]: "{{ item.name }}\n",
      "site.ts": 'import type { Host } from "do-converge"; export const t = (h: Host) => h.template({ src: "item.j2", dest: "/x", vars: { item: { name: "a" } } });\n',
    });
    expect(await run()).toEqual({});
  });

  it("an imported role's h.jinja.args(\"template\", { ... }) is read as written out: judged, not skipped", async () => {
    const call = 'import { type Host, jinja } from "do-converge";\nexport const t = (h: Host) => h.template(h.jinja.args("template", { src: jinja("app-{{ x }}.j2"), dest: "/x", vars: { given: 1 } }));\n';
    const judged = await preflight({ [`${T}/app.conf.j2`]: "{{ given }} {{ nosuch }}\n", "site.ts": call });
    expect(await message(judged)).toBe("undefined template variable (nothing was run):\n  roles/demo/templates/app.conf.j2:1:16: undefined variable 'nosuch' for hosts db1, web1 (role demo)");
  });

  it("a name set with setFact passes", async () => {
    const run = await preflight({ [`${T}/app.conf.j2`]: "{{ release }}\n", "roles/demo/tasks.ts": "import type { Host } from \"do-converge\"; export async function t(h: Host) { h.setFact({ release: '1.2' }); }\n" });
    expect(await run()).toEqual({});
  });

  it("template vars or setFact the code builds: nothing is judged, and the reason is given", async () => {
    const files = { [`${T}/app.conf.j2`]: "{{ nosuch }}\n" };
    const viaVars = await preflight({ ...files, "site.ts": 'import type { Host } from "do-converge"; const v = { a: 1 };\nexport const t = (h: Host) => h.template({ src: "app.conf.j2", dest: "/x", vars: v });\n' });
    expect(await viaVars()).toEqual({ skipped: "site.ts:2: template() vars is not an object written out" });
    const viaSpread = await preflight({ ...files, "site.ts": "import type { Host } from \"do-converge\"; const v = {};\nexport const t = (h: Host) => h.setFact({ ...v, a: 1 });\n" });
    expect(await viaSpread()).toEqual({ skipped: "site.ts:2: setFact() is given an object that is not written out" });
  });

  it("a partial is judged through the templates that include it, with their loop variables bound", async () => {
    const run = await preflight({
      [`${T}/list.j2`]: "{% for entry in demo_entries | default([]) %}{% include '_entry.j2' %}{% endfor %}\n",
      [`${T}/_entry.j2`]: "{{ entry }}\n",
    });
    expect(await run()).toEqual({});
  });

  it("a template rendered directly by a literal src is judged even when another includes it", async () => {
    const run = await preflight({
      [`${T}/outer.j2`]: "{% include 'inner.j2' %}\n",
      [`${T}/inner.j2`]: "{{ nosuch }}\n",
      "site.ts": 'import type { Host } from "do-converge"; export const t = (h: Host) => h.template({ src: "inner.j2", dest: "/x" });\n',
    });
    expect(await message(run)).toBe("undefined template variable (nothing was run):\n  roles/demo/templates/inner.j2:1:4: undefined variable 'nosuch' for hosts db1, web1 (role demo)");
  });

  it("a role used only by the web play is judged only for its hosts", async () => {
    const webOnly: Role = role({ name: "webapp", async tasks() {} });
    const run = await preflight({ "roles/webapp/templates/site.j2": "{{ web_name }}\n", "group_vars/web.yml": "web_name: www\n" }, [
      play({ name: "db", hosts: "all:!web", roles: [demo] }),
      play({ name: "web", hosts: "web", roles: [webOnly] }),
    ]);
    expect(await run()).toEqual({});
  });

  it("site templates: judged only for a name no host has in any play, since their users are unknown", async () => {
    const files = { "templates/web.j2": "{{ web_name }}\n", "group_vars/web.yml": "web_name: www\n", "templates/any.j2": "{{ nosuch }}\n" };
    expect(await message(await preflight(files))).toBe("undefined template variable (nothing was run):\n  templates/any.j2:1:4: undefined variable 'nosuch' for hosts db1, web1 (site templates)");
  });
});

describe("pre-flight: a template's #jinja2: line", () => {
  it("is honoured: its delimiters decide what is a variable, in the template and what it includes; positions count the header line", async () => {
    const run = await preflight({
      [`${T}/app.conf.j2`]: "#jinja2: variable_start_string: '[%', variable_end_string: '%]'\n{{ go_template }} [% demo_port %]\nx = [% nosuch %]\n{% include 'part.j2' %}\n",
      [`${T}/part.j2`]: "{{ .Values.kept }} [% other %]\n",
    });
    expect(await message(run)).toBe(
      "undefined template variables (nothing was run):\n" +
        "  roles/demo/templates/app.conf.j2:3:8: undefined variable 'nosuch' for hosts db1, web1 (role demo)\n" +
        "  roles/demo/templates/part.j2:1:23: undefined variable 'other' for hosts db1, web1 (role demo)",
    );
  });

  it("a partial written for its includer's delimiters is checked through the includer, not as a template of its own", () => {
    return expect(
      (async () => {
        const dir = await tempTree({
          [`${T}/app.conf.j2`]: "#jinja2: variable_start_string: '[%', variable_end_string: '%]'\n{% include 'part.j2' %}\n",
          [`${T}/part.j2`]: "{{ .Values.kept }} [% demo_port %]\n",
        });
        checkTemplates(site({ inventory: [], plays: [play({ name: "demo", hosts: "all", roles: [demo] })] }), dir);
      })(),
    ).resolves.toBeUndefined();
  });

  it("a bad header fails the pre-flight with the template, line 1 and the column of the bad pair", async () => {
    const dir = await tempTree({ [`${T}/app.conf.j2`]: "#jinja2: lstrip_blocks: True, trim_blocks\nx\n" });
    expect(() => checkTemplates(site({ inventory: [], plays: [play({ name: "demo", hosts: "all", roles: [demo] })] }), dir)).toThrow(
      "template errors (nothing was run):\n  roles/demo/templates/app.conf.j2:1:31: #jinja2: cannot read 'trim_blocks': the first line takes 'key: value' pairs separated by commas",
    );
  });
});
