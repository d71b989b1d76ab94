import type { AdversarialCase } from "../case.js";
import { DIR } from "../harness/scratch.js";
import { NAME_PAYLOADS, NEWLINE_PAYLOAD, VALUE_PAYLOADS, injectionSite, lit, task, NT } from "./injection-payloads.js";

// Payloads through the arguments of the file-writing modules (file, copy, template, lineinfile,
// blockinfile): paths, contents, lines, markers, links, owners. The literal thing must happen (a
// file named after the payload, a line holding it) or the task must fail naming the argument.


/** The task failed on localhost, naming the module's task and, after `=>`, what was wrong (a message may span lines). */
const fails = (module: string, what: string) => new RegExp(`fatal: \\[localhost\\] ${module} .*=> .*${what}`, "s");

/** One task per payload: `make(path)` is the call, `path` under t/ named with the payload. */
const perPayload = (prefix: string, payloads: readonly string[], make: (path: string, i: number) => string) =>
  payloads.map((p, i) => `await ${make(lit(`${DIR}/t/${prefix}${p}`), i)};`).join("\n        ");

const paths = (prefix: string, payloads: readonly string[]) => payloads.map((p) => `t/${prefix}${p}`);

/** A site whose web role (roles/web/templates/) runs `tasks`. */
const templateSite = (tasks: string, more: Record<string, string | { symlink: string }>) =>
  injectionSite("", more, `const web = role({ name: "web", async tasks(h) { ${tasks} } });`, ["web"]);

export const fileInjectionCases: AdversarialCase[] = [
  task("file-path-touch", {
    files: injectionSite(perPayload("f", NAME_PAYLOADS, (p) => `h.file({ path: ${p}, state: "touch" })`)),
    exit: 0,
    message: /changed: \[localhost\] file /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("f", NAME_PAYLOADS),
    literal: paths("f", NAME_PAYLOADS),
  }),
  task("file-path-directory", {
    files: injectionSite(perPayload("d", NAME_PAYLOADS, (p) => `h.file({ path: ${p}, state: "directory", mode: "0750" })`)),
    exit: 0,
    message: /changed: \[localhost\] file /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("d", NAME_PAYLOADS),
    literal: paths("d", NAME_PAYLOADS),
  }),
  task("file-path-newline", {
    files: injectionSite(perPayload("n", [NEWLINE_PAYLOAD], (p) => `h.file({ path: ${p}, state: "touch" })`)),
    exit: 0,
    message: /changed: \[localhost\] file/,
    payloads: 1,
    mayChange: paths("n", [NEWLINE_PAYLOAD]),
    literal: paths("n", [NEWLINE_PAYLOAD]),
  }),
  task("file-absent-glob-is-literal", {
    files: injectionSite(`await h.file({ path: ${lit(`${DIR}/t/*`)}, state: "absent" });
        await h.file({ path: ${lit(`${DIR}/t/-rf *`)}, state: "absent" });`),
    exit: 0,
    message: /ok: \[localhost\] file /,
    payloads: 2,
  }),
  task("file-link-src-options", {
    files: injectionSite(
      ["-x", "--help", `--target-directory=${DIR}/outside`, "$(touch MARK)"]
        .map((src, i) => `await h.file({ path: ${lit(`${DIR}/t/l${i}`)}, state: "link", src: ${lit(src)}, force: true });`)
        .join("\n        "),
    ),
    exit: 0,
    message: /changed: \[localhost\] file /,
    payloads: 4,
    mayChange: ["t/l0", "t/l1", "t/l2", "t/l3"],
    literal: ["t/l0", "t/l1", "t/l2", "t/l3"],
  }),
  task("file-owner-option", {
    files: injectionSite(`await h.file({ path: ${lit(`${DIR}/t/existing.txt`)}, owner: "--reference=/etc/passwd" });`),
    exit: 2,
    message: fails("file", "\\bowner\\b"),
    payloads: 1,
  }),
  task("file-group-option", {
    files: injectionSite(`await h.file({ path: ${lit(`${DIR}/t/existing.txt`)}, group: "--reference=/etc/passwd" });`),
    exit: 2,
    message: fails("file", "\\bgroup\\b"),
    payloads: 1,
  }),
  task("file-owner-substitution", {
    files: injectionSite(`await h.file({ path: ${lit(`${DIR}/t/existing.txt`)}, owner: ${lit("$(touch${IFS}MARK)")} });`),
    exit: 2,
    message: fails("file", "(owner|invalid user)"),
    payloads: 1,
  }),
  task("file-mode-payload", {
    files: injectionSite(`await h.file({ path: ${lit(`${DIR}/t/existing.txt`)}, mode: "0644;touch MARK" });`),
    exit: 2,
    message: fails("file", "mode"),
    payloads: 1,
  }),
  task("file-relative-path", {
    files: injectionSite(`await h.file({ path: "t/existing.txt", state: "absent" });`),
    exit: 2,
    message: fails("file", "path: an absolute path"),
  }),
  task("copy-dest", {
    files: injectionSite(perPayload("c", NAME_PAYLOADS, (p) => `h.copy({ dest: ${p}, content: "copied\\n" })`)),
    exit: 0,
    message: /changed: \[localhost\] copy /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("c", NAME_PAYLOADS),
    literal: paths("c", NAME_PAYLOADS),
  }),
  task("copy-dest-newline", {
    files: injectionSite(perPayload("cn", [NEWLINE_PAYLOAD], (p) => `h.copy({ dest: ${p}, content: "copied\\n" })`)),
    exit: 0,
    message: /changed: \[localhost\] copy/,
    payloads: 1,
    mayChange: paths("cn", [NEWLINE_PAYLOAD]),
    literal: paths("cn", [NEWLINE_PAYLOAD]),
  }),
  task("copy-content", {
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/content.txt`)}, content: ${lit(`${VALUE_PAYLOADS.join("\n")}\n`)}, mode: "0600" });`),
    exit: 0,
    message: /changed: \[localhost\] copy /,
    payloads: VALUE_PAYLOADS.length,
    mayChange: ["t/content.txt"],
    literal: ["t/content.txt"],
  }),
  task("copy-backup-of-payload-dest", {
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/b$(touch MARK)`)}, content: "new\\n", backup: true });`, { "t/b$(touch MARK)": "old\n" }),
    exit: 0,
    message: /changed: \[localhost\] copy/,
    payloads: 1,
    mayChange: ["t/b$(touch MARK)", { prefix: "t/b$(touch MARK)." }],
    literal: ["t/b$(touch MARK)"],
  }),
  task("copy-dest-symlink-to-directory", {
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/todir`)}, content: "copied\\n" });`, { "t/todir": { symlink: `${DIR}/outside` } }),
    exit: 2,
    message: fails("copy", "t/todir"),
    note: "dest is a link to a directory: the file must not land inside the directory it points to",
  }),
  task("copy-validate-quoted-placeholder", {
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/v.txt`)}, content: "valid\\n", validate: "sh -c 'test -s %s'" });`),
    exit: 0,
    message: /changed: \[localhost\] copy /,
    mayChange: ["t/v.txt"],
    literal: ["t/v.txt"],
  }),
  task("copy-validate-payload-dest", {
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/v$(touch MARK)`)}, content: "valid\\n", validate: "test -s %s" });`),
    exit: 0,
    message: /changed: \[localhost\] copy/,
    payloads: 1,
    mayChange: ["t/v$(touch MARK)"],
    literal: ["t/v$(touch MARK)"],
  }),
  {
    id: "injection/copy-src-missing",
    kind: "config",
    files: injectionSite(`await h.copy({ dest: ${lit(`${DIR}/t/s.txt`)}, src: "nope$(touch MARK).txt" });`),
    argv: ["site.ts", NT],
    exit: 1,
    message: /nope\$\(touch MARK\)\.txt/,
    payloads: 1,
    note: "a control-node file that is not there is known before any host is touched",
  },
  task("template-dest", {
    files: templateSite(perPayload("p", NAME_PAYLOADS, (p) => `h.template({ src: "page.j2", dest: ${p} })`), { "roles/web/templates/page.j2": "page\n" }),
    exit: 0,
    message: /changed: \[localhost\] template /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("p", NAME_PAYLOADS),
    literal: paths("p", NAME_PAYLOADS),
  }),
  task("template-variables", {
    files: templateSite(`await h.template({ src: "page.j2", dest: ${lit(`${DIR}/t/rendered.txt`)} });`, {
      "roles/web/templates/page.j2": "{% for p in payloads %}{{ p }}\n{% endfor %}",
      "group_vars/all.yml": `payloads: ${JSON.stringify(VALUE_PAYLOADS)}\n`,
    }),
    exit: 0,
    message: /changed: \[localhost\] template /,
    payloads: VALUE_PAYLOADS.length,
    mayChange: ["t/rendered.txt"],
    literal: ["t/rendered.txt"],
  }),
  task("template-dest-symlink-to-directory", {
    files: templateSite(`await h.template({ src: "page.j2", dest: ${lit(`${DIR}/t/todir`)} });`, {
      "roles/web/templates/page.j2": "page\n",
      "t/todir": { symlink: `${DIR}/outside` },
    }),
    exit: 2,
    message: fails("template", "t/todir"),
  }),
  task("lineinfile-path", {
    files: injectionSite(perPayload("li", NAME_PAYLOADS, (p) => `h.lineinfile({ path: ${p}, line: "added", create: true })`)),
    exit: 0,
    message: /changed: \[localhost\] lineinfile /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("li", NAME_PAYLOADS),
    literal: paths("li", NAME_PAYLOADS),
  }),
  task("lineinfile-path-newline", {
    files: injectionSite(perPayload("ln", [NEWLINE_PAYLOAD], (p) => `h.lineinfile({ path: ${p}, line: "added", create: true })`)),
    exit: 0,
    message: /changed: \[localhost\] lineinfile/,
    payloads: 1,
    mayChange: paths("ln", [NEWLINE_PAYLOAD]),
    literal: paths("ln", [NEWLINE_PAYLOAD]),
  }),
  task("lineinfile-lines", {
    files: injectionSite(
      VALUE_PAYLOADS.filter((p) => !p.includes("\n"))
        .map((p) => `await h.lineinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, line: ${lit(p)} });`)
        .join("\n        "),
    ),
    exit: 0,
    message: /changed: \[localhost\] lineinfile /,
    payloads: VALUE_PAYLOADS.filter((p) => !p.includes("\n")).length,
    mayChange: ["t/existing.txt"],
    literal: ["t/existing.txt"],
  }),
  task("lineinfile-line-with-newline", {
    files: injectionSite(`await h.lineinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, line: ${lit(`ok\ntouch ${DIR}/MARK`)} });`),
    exit: 2,
    message: fails("lineinfile", "line"),
    payloads: 1,
  }),
  task("lineinfile-regexp-and-insertafter", {
    files: injectionSite(
      `await h.lineinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, regexp: ${lit("^$(touch MARK)")}, line: "by regexp" });
        await h.lineinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, insertafter: ${lit("`touch MARK`")}, line: "after" });
        await h.lineinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, search_string: ${lit("; touch MARK")}, line: "by string" });`,
    ),
    exit: 0,
    message: /changed: \[localhost\] lineinfile/,
    payloads: 3,
    mayChange: ["t/existing.txt"],
    literal: ["t/existing.txt"],
  }),
  task("blockinfile-path", {
    files: injectionSite(perPayload("bi", NAME_PAYLOADS, (p) => `h.blockinfile({ path: ${p}, block: "managed", create: true })`)),
    exit: 0,
    message: /changed: \[localhost\] blockinfile /,
    payloads: NAME_PAYLOADS.length,
    mayChange: paths("bi", NAME_PAYLOADS),
    literal: paths("bi", NAME_PAYLOADS),
  }),
  task("blockinfile-path-newline", {
    files: injectionSite(perPayload("bn", [NEWLINE_PAYLOAD], (p) => `h.blockinfile({ path: ${p}, block: "managed", create: true })`)),
    exit: 0,
    message: /changed: \[localhost\] blockinfile/,
    payloads: 1,
    mayChange: paths("bn", [NEWLINE_PAYLOAD]),
    literal: paths("bn", [NEWLINE_PAYLOAD]),
  }),
  task("blockinfile-block-and-marker", {
    files: injectionSite(
      `await h.blockinfile({ path: ${lit(`${DIR}/t/existing.txt`)}, block: ${lit(VALUE_PAYLOADS.join("\n"))}, marker: ${lit(`# {mark} $(touch ${DIR}/MARK) managed`)} });`,
    ),
    exit: 0,
    message: /changed: \[localhost\] blockinfile /,
    payloads: VALUE_PAYLOADS.length + 1,
    mayChange: ["t/existing.txt"],
    literal: ["t/existing.txt"],
  }),
];
