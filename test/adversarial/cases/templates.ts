import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";

// Templates of a role: syntax, undefined variables, missing files (the template itself, an
// include, an import, a parent), unknown filters and tests, recursion.

const WEB_ROLE = `const web = role({
  name: "web",
  async tasks(h) {
    await h.template({ src: "page.j2", dest: "@@DIR@@/out/page" });
  },
});`;

/** A site whose web role renders roles/web/templates/page.j2 (plus more templates) into out/. */
const templateSite = (templates: Record<string, string>, more: Record<string, string> = {}, role = WEB_ROLE) => ({
  ...localSite({ preamble: role, roles: ["web"] }),
  "out/.keep": "",
  ...Object.fromEntries(Object.entries(templates).map(([name, text]) => [`roles/web/templates/${name}`, text])),
  ...more,
});

const tpl = (id: string, templates: Record<string, string>, message: RegExp, more: Record<string, string> = {}): AdversarialCase => ({
  id: `templates/${id}`,
  kind: "config",
  files: templateSite(templates, more),
  argv: ["site.ts", "--no-typecheck"],
  exit: 1,
  message,
});

export const templateCases: AdversarialCase[] = [
  tpl("if-without-condition", { "page.j2": "a\n{% if %}x{% endif %}\n" }, /page\.j2:2/),
  tpl("for-without-endfor", { "page.j2": "{% for u in users %}\n{{ u }}\n" }, /page\.j2:\d+/, { "group_vars/all.yml": "users: [a]\n" }),
  tpl("unclosed-expression", { "page.j2": "line one\nport={{ port \n" }, /page\.j2:2/, { "group_vars/all.yml": "port: 80\n" }),
  tpl("unknown-tag", { "page.j2": "{% frobnicate %}\n" }, /page\.j2:1.*frobnicate/),
  tpl("undefined-variable", { "page.j2": "listen {{ nginx_port }}\n" }, /page\.j2.*nginx_port/),
  tpl("undefined-in-included", { "page.j2": '{% include "part.j2" %}\n', "part.j2": "x={{ nope_var }}\n" }, /part\.j2.*nope_var/),
  tpl("include-missing", { "page.j2": 'a\n{% include "nope.j2" %}\n' }, /page\.j2.*nope\.j2/),
  tpl("import-missing", { "page.j2": '{% import "macros.j2" as m %}{{ m.x() }}\n' }, /page\.j2.*macros\.j2/),
  tpl("extends-missing", { "page.j2": '{% extends "base.j2" %}\n' }, /page\.j2.*base\.j2/),
  tpl("unknown-filter", { "page.j2": "{{ 'x' | frobnicate }}\n" }, /page\.j2.*frobnicate/),
  tpl("unknown-test", { "page.j2": "{% if 1 is frobnicated %}x{% endif %}\n" }, /page\.j2.*frobnicated/),
  tpl("syntax-error-in-unused-template", { "page.j2": "ok\n", "other.j2": "{% endif %}\n" }, /other\.j2:1/),
  tpl("syntax-error-in-site-templates", { "page.j2": "ok\n" }, /templates\/shared\.j2:1/, { "templates/shared.j2": "{{ }}\n" }),
  {
    id: "templates/src-missing",
    kind: "config",
    files: templateSite({ "other.j2": "x\n" }),
    argv: ["site.ts", "--no-typecheck"],
    exit: 1,
    message: /page\.j2/,
  },
  {
    id: "templates/recursive-variables",
    kind: "config",
    files: templateSite({ "page.j2": "{{ a }}\n" }, { "group_vars/all.yml": 'a: "{{ b }}"\nb: "{{ a }}"\n' }),
    argv: ["site.ts", "--no-typecheck"],
    exit: 1,
    message: /\b(a|b)\b.*(recursi|loop|cycle)|(recursi|loop|cycle).*\b(a|b)\b/,
    note: "Ansible refuses it (recursive loop detected in template string)",
  },
  {
    id: "templates/include-itself",
    kind: "task",
    files: templateSite({ "page.j2": '{% include "page.j2" %}\n' }),
    argv: ["site.ts", "--no-typecheck"],
    exit: 2,
    message: /page\.j2:1.*(recursi|call stack)/i,
    note: "Jinja2 too only finds the endless recursion when it renders",
  },
  {
    id: "templates/undefined-attribute",
    kind: "task",
    files: templateSite({ "page.j2": "mem={{ limits.nope }}\n" }, { "group_vars/all.yml": "limits: { memory: 1 }\n" }),
    argv: ["site.ts", "--no-typecheck"],
    exit: 2,
    message: /page\.j2:1.*nope|nope.*page\.j2:1/,
    note: "an attribute of a variable is only known when the template renders on a host",
  },
  {
    id: "templates/string-too-long-to-render",
    kind: "task",
    hostile: true,
    files: templateSite({ "page.j2": "{{ 'x' * 2000000000 }}\n" }),
    argv: ["site.ts", "--no-typecheck"],
    exit: 2,
    message: /page\.j2/,
    note: "a rendering the control node cannot hold fails the task by name, within bounds",
  },
];
