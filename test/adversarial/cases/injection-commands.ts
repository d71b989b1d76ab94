import { userInfo } from "node:os";
import type { AdversarialCase } from "../case.js";
import { tarArchive, zipArchive } from "../harness/archives.js";
import { DIR } from "../harness/scratch.js";
import { MARK } from "../harness/site-source.js";
import { NAME_PAYLOADS, VALUE_PAYLOADS, injectionSite, lit, task } from "./injection-payloads.js";

// Payloads through command/shell, get_url (a loopback server), unarchive (archives whose members
// climb out of the destination), wait_for and authorized_key.


/** A real Ed25519 public key (made for this suite; its private half was never kept). */
/** Keys are given to the user running the suite, so that the chown the module does is allowed. */
const USER = userInfo().username;

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAwfiiuCsszqbiqUzkiNf0gIx8F/o5jEp7sG4tEcjrc2";

/** The task failed on localhost, naming the module's task and, after `=>`, what was wrong (a message may span lines). */
const fails = (module: string, what: string) => new RegExp(`fatal: \\[localhost\\] ${module} .*=> .*${what}`, "s");

/** The role whose files/ holds the archives, running `tasks`; `more` are further scratch files. */
const archiveSite = (tasks: string, files: Record<string, Buffer | string>, more: Record<string, string> = {}) =>
  injectionSite(
    "",
    { ...Object.fromEntries(Object.entries(files).map(([n, b]) => [`roles/app/files/${n}`, b])), ...more },
    `const app = role({ name: "app", async tasks(h) { ${tasks} } });`,
    ["app"],
  );

/** An absolute member name: GNU tar strips the leading `/`; the file must not appear there. */
const ABSOLUTE_MEMBER = "/tmp/dcv-adversarial-absolute-member.txt";

export const commandInjectionCases: AdversarialCase[] = [
  task("command-argv", {
    files: injectionSite(VALUE_PAYLOADS.map((p) => `await h.command({ argv: ["printf", "%s\\n", ${lit(p)}] }, { changedWhen: false });`).join("\n        ")),
    exit: 0,
    message: /ok: \[localhost\] command printf/,
    payloads: VALUE_PAYLOADS.length,
  }),
  task("command-cmd-is-not-a-shell", {
    files: injectionSite(`await h.command({ cmd: ${lit(`echo $(touch ${DIR}/${MARK}) ; touch ${DIR}/${MARK}2 && touch ${DIR}/${MARK}3 | \`touch ${DIR}/${MARK}4\``)} }, { changedWhen: false });`),
    exit: 0,
    message: /ok: \[localhost\] command echo/,
    payloads: 4,
  }),
  task("command-argv0-option", {
    files: injectionSite(`await h.command({ argv: ["--help"] });`),
    exit: 2,
    message: fails("command", "(127|not found)"),
    payloads: 1,
  }),
  task("command-guards", {
    files: injectionSite(
      `await h.command({ argv: ["true"], creates: ${lit(`${DIR}/t/c$(touch ${MARK})`)}, removes: ${lit(`${DIR}/t/*`)} }, { changedWhen: false });`,
    ),
    exit: 0,
    message: /skipped|ok: \[localhost\] command true/,
    payloads: 2,
  }),
  task("command-chdir", {
    files: injectionSite(`await h.command({ argv: ["pwd"], chdir: ${lit(`${DIR}/t/$(touch ${MARK})`)} });`),
    exit: 2,
    message: fails("command", "(can't cd|No such file|chdir)"),
    payloads: 1,
  }),
  task("command-stdin", {
    files: injectionSite(`await h.command({ argv: ["cat"], stdin: ${lit(VALUE_PAYLOADS.join("\n"))} }, { changedWhen: false });`),
    exit: 0,
    message: /ok: \[localhost\] command cat/,
    payloads: VALUE_PAYLOADS.length,
  }),
  task("shell-executable", {
    files: injectionSite(`await h.shell({ cmd: "true", executable: ${lit(`/bin/sh -c touch ${DIR}/${MARK}`)} });`),
    exit: 2,
    message: fails("shell", "(not found|No such file)"),
    payloads: 1,
  }),
  task("shell-guards", {
    files: injectionSite(`await h.shell({ cmd: "true", creates: ${lit(`${DIR}/t/$(touch ${MARK})`)}, chdir: ${lit(`${DIR}/t`)} }, { changedWhen: false });`),
    exit: 0,
    message: /ok: \[localhost\] shell true/,
    payloads: 1,
  }),
  task("get-url-dest", {
    files: injectionSite(NAME_PAYLOADS.map((p, i) => `await h.get_url({ url: "@@RAW_URL@@/files/f${i}", dest: ${lit(`${DIR}/t/g${p}`)} });`).join("\n        ")),
    exit: 0,
    message: /changed: \[localhost\] get_url /,
    payloads: NAME_PAYLOADS.length,
    mayChange: NAME_PAYLOADS.map((p) => `t/g${p}`),
    literal: NAME_PAYLOADS.map((p) => `t/g${p}`),
  }),
  task("get-url-name-from-url-climbs-out", {
    files: injectionSite(`await h.get_url({ url: "@@RAW_URL@@/files/..%2F..%2Foutside%2Fescaped.txt", dest: ${lit(`${DIR}/t`)} });`),
    exit: 2,
    message: fails("get_url", "names no file"),
    payloads: 1,
  }),
  task("get-url-name-from-url-payload", {
    files: injectionSite(`await h.get_url({ url: ${lit("@@RAW_URL@@/files/$(touch${IFS}MARK)")}, dest: ${lit(`${DIR}/t`)} });`),
    exit: 0,
    message: /changed: \[localhost\] get_url/,
    payloads: 1,
    mayChange: ["t/$(touch${IFS}MARK)"],
    literal: ["t/$(touch${IFS}MARK)"],
  }),
  task("get-url-header-value", {
    files: injectionSite(`await h.get_url({ url: "@@RAW_URL@@/files/h", dest: ${lit(`${DIR}/t/h.txt`)}, headers: { "X-Payload": ${lit(`"; touch ${DIR}/${MARK}; " \\" \` $(touch ${DIR}/${MARK}2)`)} } });`),
    exit: 0,
    message: /changed: \[localhost\] get_url /,
    payloads: 2,
    mayChange: ["t/h.txt"],
    literal: ["t/h.txt"],
  }),
  task("get-url-header-crlf", {
    files: injectionSite(`await h.get_url({ url: "@@RAW_URL@@/files/h", dest: ${lit(`${DIR}/t/h.txt`)}, headers: { "X-A": "a\\r\\nX-Evil: 1" } });`),
    exit: 2,
    message: fails("get_url", "headers"),
    payloads: 1,
  }),
  task("get-url-header-name", {
    files: injectionSite(`await h.get_url({ url: "@@RAW_URL@@/files/h", dest: ${lit(`${DIR}/t/h.txt`)}, headers: { "X;touch MARK": "a" } });`),
    exit: 2,
    message: fails("get_url", "headers"),
    payloads: 1,
  }),
  task("get-url-file-scheme", {
    files: injectionSite(`await h.get_url({ url: "file:///etc/passwd", dest: ${lit(`${DIR}/t/passwd`)} });`),
    exit: 2,
    message: fails("get_url", "url"),
  }),
  task("get-url-url-newline", {
    files: injectionSite(`await h.get_url({ url: ${lit(`@@RAW_URL@@/files/x\nurl = "file:///etc/passwd"`)}, dest: ${lit(`${DIR}/t/x`)} });`),
    exit: 2,
    message: fails("get_url", "url"),
    payloads: 1,
  }),
  task("unarchive-tar-dotdot-member", {
    files: archiveSite(`await h.unarchive({ src: "evil.tar", dest: ${lit(`${DIR}/t`)} });`, {
      "evil.tar": tarArchive([{ name: "ok.txt", content: "ok\n" }, { name: "../outside/escaped.txt", content: "escaped\n" }]),
    }),
    exit: 2,
    message: fails("unarchive", "\\.\\./outside/escaped\\.txt"),
    payloads: 1,
    mayChange: ["t/"],
    note: "GNU tar refuses the member; the task fails naming it and nothing lands outside dest",
  }),
  task("unarchive-tar-symlink-out", {
    files: archiveSite(`await h.unarchive({ src: "link.tar", dest: ${lit(`${DIR}/t`)} });`, {
      "link.tar": tarArchive([{ name: "up", symlink: "../outside" }, { name: "up/pwned.txt", content: "pwned\n" }]),
    }),
    exit: 2,
    message: fails("unarchive", "up/pwned\\.txt"),
    payloads: 1,
    mayChange: ["t/"],
  }),
  task("unarchive-tar-absolute-member", {
    files: archiveSite(`await h.unarchive({ src: "abs.tar", dest: ${lit(`${DIR}/t`)} });`, {
      "abs.tar": tarArchive([{ name: ABSOLUTE_MEMBER, content: "absolute\n" }]),
    }),
    exit: 0,
    message: /changed: \[localhost\] unarchive/,
    payloads: 1,
    mayChange: ["t/"],
    literal: [`t${ABSOLUTE_MEMBER}`],
    mustNotExist: [ABSOLUTE_MEMBER],
  }),
  task("unarchive-zip-dotdot-member", {
    files: archiveSite(`await h.unarchive({ src: "evil.zip", dest: ${lit(`${DIR}/t`)} });`, {
      "evil.zip": zipArchive([{ name: "ok.txt", content: "ok\n" }, { name: "../outside/escaped.txt", content: "escaped\n" }]),
    }),
    exit: 0,
    message: /changed: \[localhost\] unarchive/,
    payloads: 1,
    mayChange: ["t/"],
    literal: ["t/ok.txt"],
    note: "unzip drops the ../ components: the member lands inside dest",
  }),
  task("unarchive-payload-names", {
    files: archiveSite(
      `await h.unarchive({ src: ${lit(`a$(touch ${MARK}).tar`)}, dest: ${lit(`${DIR}/t/u$(touch ${MARK})`)} });`,
      { [`a$(touch ${MARK}).tar`]: tarArchive([{ name: `m$(touch ${MARK}).txt`, content: "member\n" }]) },
      { [`t/u$(touch ${MARK})/.keep`]: "" },
    ),
    exit: 0,
    message: /changed: \[localhost\] unarchive/,
    payloads: 3,
    mayChange: ["t/"],
    literal: [`t/u$(touch ${MARK})/m$(touch ${MARK}).txt`],
  }),
  task("unarchive-owner-option", {
    files: archiveSite(`await h.unarchive({ src: "ok.tar", dest: ${lit(`${DIR}/t`)}, owner: "--reference=/etc/passwd" });`, {
      "ok.tar": tarArchive([{ name: "ok.txt", content: "ok\n" }]),
    }),
    exit: 2,
    message: fails("unarchive", "\\bowner\\b"),
    payloads: 1,
    mayChange: ["t/"],
  }),
  task("wait-for-paths", {
    files: injectionSite(
      NAME_PAYLOADS.map((p) => `await h.wait_for({ path: ${lit(`${DIR}/t/w${p}`)}, timeout: 5 });`).join("\n        "),
      Object.fromEntries(NAME_PAYLOADS.map((p) => [`t/w${p}`, "here\n"])),
    ),
    exit: 0,
    message: /ok: \[localhost\] wait_for/,
    payloads: NAME_PAYLOADS.length,
  }),
  task("wait-for-absent-glob", {
    files: injectionSite(`await h.wait_for({ path: ${lit(`${DIR}/t/*`)}, state: "absent", timeout: 2 });`),
    exit: 0,
    message: /ok: \[localhost\] wait_for/,
    payloads: 1,
  }),
  task("wait-for-host-option", {
    files: injectionSite(`await h.wait_for({ host: "--help", port: 1, timeout: 1 });`),
    exit: 2,
    message: fails("wait_for", "Timeout when waiting for --help:1"),
    payloads: 1,
  }),
  task("wait-for-host-payload", {
    files: injectionSite(`await h.wait_for({ host: ${lit(`x$(touch ${MARK})`)}, port: 1, timeout: 1 });`),
    exit: 2,
    message: fails("wait_for", "host"),
    payloads: 1,
  }),
  task("authorized-key-comment-and-options", {
    files: injectionSite(
      `await h.authorized_key({ user: ${lit(USER)}, path: ${lit(`${DIR}/t/ak/authorized_keys`)}, key: ${lit(`${KEY} $(touch ${DIR}/${MARK})`)}, key_options: ${lit(`command="touch ${DIR}/${MARK}2",no-pty`)} });`,
    ),
    exit: 0,
    message: /changed: \[localhost\] authorized_key/,
    payloads: 2,
    mayChange: ["t/ak", "t/ak/"],
    literal: ["t/ak/authorized_keys"],
  }),
  task("authorized-key-user-option", {
    files: injectionSite(`await h.authorized_key({ user: "--help", path: ${lit(`${DIR}/t/ak2`)}, key: ${lit(KEY)} });`),
    exit: 2,
    message: fails("authorized_key", "user"),
    payloads: 1,
  }),
  task("authorized-key-path-newline", {
    files: injectionSite(`await h.authorized_key({ user: ${lit(USER)}, manage_dir: false, path: ${lit(`${DIR}/t/ak\nx`)}, key: ${lit(KEY)} });`),
    exit: 0,
    message: /changed: \[localhost\] authorized_key/,
    payloads: 1,
    mayChange: ["t/ak\nx"],
    literal: ["t/ak\nx"],
  }),
];
