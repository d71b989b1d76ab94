import type { AdversarialCase } from "../case.js";
import { DIR } from "../harness/scratch.js";
import { MARK } from "../harness/site-source.js";
import { injectionSite, lit } from "./injection-payloads.js";

// Payloads through modules that manage the system itself: user, group, sysctl, systemd, apt,
// mysql, debconf, uri. The suite's host is the machine it runs on (as root, often), so these
// run in --check mode (probes only, never apply) or stop at argument validation; each case says
// which. A probe is where a payload would first reach a shell, so check mode still tests it.

const CHECK = ["site.ts", "--no-typecheck", "--check"];

/**
 * Every call tried, each failure caught in the site's own code, so that every payload gives its
 * own error line; the host has failed tasks, so the run ends with exit 2.
 */
const each = (calls: readonly string[]) => calls.map((c) => `try { await ${c}; } catch { /* the next payload */ }`).join("\n        ");

const refused = (id: string, module: string, arg: string, calls: readonly string[], note: string): AdversarialCase => ({
  id: `injection/${id}`,
  kind: "task",
  files: injectionSite(each(calls)),
  argv: CHECK,
  exit: 2,
  message: new RegExp(`fatal: \\[localhost\\] ${module} .*=> invalid arguments: ${arg}`),
  repeats: { pattern: new RegExp(`=> invalid arguments: ${arg}`), times: calls.length },
  payloads: calls.length,
  note,
});

const NAMES = [`$(touch ${MARK})`, `x;touch ${MARK}`, `\`touch ${MARK}\``, "--help", "-oProxyCommand=x", `a b`, "../../etc/passwd"];

export const systemInjectionCases: AdversarialCase[] = [
  refused("user-names", "user", "name", NAMES.map((n) => `h.user({ name: ${lit(n)} })`), "argument validation (and --check: useradd would change this machine)"),
  refused("group-names", "group", "name", NAMES.map((n) => `h.group({ name: ${lit(n)} })`), "argument validation (and --check)"),
  refused(
    "user-groups-and-password",
    "user",
    "(groups|password)",
    [`h.user({ name: "dcvadvuser", groups: [${lit(`wheel;touch ${MARK}`)}] })`, `h.user({ name: "dcvadvuser", password: ${lit(`hunter2; touch ${MARK}`)} })`],
    "argument validation (and --check)",
  ),
  {
    id: "injection/user-fields-check-mode",
    kind: "task",
    files: injectionSite(
      `await h.user({ name: "dcvadvuser", comment: ${lit(`$(touch ${DIR}/${MARK}) \`touch ${DIR}/${MARK}\``)}, home: ${lit(`${DIR}/t/home$(touch ${MARK})`)}, shell: ${lit(`/bin/sh;touch ${MARK}`)} });`,
    ),
    argv: CHECK,
    exit: 0,
    message: /changed: \[localhost\] user dcvadvuser/,
    payloads: 3,
    note: "--check: the probe (getent, the home directory test) runs with the payloads; useradd would change this machine",
  },
  refused("systemd-names", "systemd", "name", [`$(touch ${MARK})`, `x;touch ${MARK}`, "a b", `\`touch ${MARK}\``].map((n) => `h.systemd({ name: ${lit(n)}, state: "started" })`), "argument validation (and --check)"),
  {
    id: "injection/systemd-names-like-options",
    kind: "task",
    files: injectionSite(each(["--help", "-H", "--now"].map((n) => `h.systemd({ name: ${lit(n)}, state: "started" })`))),
    argv: CHECK,
    exit: 2,
    message: /--help\.service/,
    repeats: { pattern: /=> (cannot read unit|unit) (--help|-H|--now)\.service/, times: 3 },
    absent: /systemctl \[OPTIONS\.\.\.\]|Query or send control commands/,
    payloads: 3,
    note: "--check: the probe asks systemd about the unit by that literal name (after --); no systemd here, or an unknown unit, are both fine",
  },
  refused("apt-names", "apt", "name", [`$(touch ${MARK})`, `bash;touch ${MARK}`, "-oAPT::Update::Pre-Invoke::=touch", "--help", "bash -y", "*"].map((n) => `h.apt({ name: ${lit(n)} })`), "argument validation (and --check: apt-get would change this machine)"),
  {
    id: "injection/apt-option-values-check-mode",
    kind: "task",
    files: injectionSite(`await h.apt({ name: "bash", default_release: ${lit(`x' -o APT::Get::Pre-Invoke::=touch ${DIR}/${MARK} '`)}, dpkg_options: ${lit(`force-confdef,$(touch ${DIR}/${MARK}2)`)} });`),
    argv: CHECK,
    exit: 0,
    message: /(ok|changed): \[localhost\] apt bash/,
    payloads: 2,
    note: "--check: apt-cache policy runs with the quoted options; installing would change this machine",
  },
  refused("sysctl-names", "sysctl", "name", [`a b`, `x=1`].map((n) => `h.sysctl({ name: ${lit(n)}, value: "1", sysctl_file: ${lit(`${DIR}/t/s.conf`)} })`), "argument validation (and --check)"),
  {
    id: "injection/sysctl-unknown-keys-check-mode",
    kind: "task",
    files: injectionSite(
      each(
        [`$(touch\${IFS}${MARK})`, `\`touch\${IFS}${MARK}\``, `;touch\${IFS}${MARK}`, "../../../../tmp/x", "--help", "-w"].map(
          (n) => `h.sysctl({ name: ${lit(n)}, value: "1", sysctl_file: ${lit(`${DIR}/t/s.conf`)} })`,
        ),
      ),
    ),
    argv: CHECK,
    exit: 2,
    message: /fatal: \[localhost\] sysctl/,
    repeats: { pattern: /=> (unknown sysctl key|invalid arguments: name)/, times: 6 },
    payloads: 6,
    note: "--check: the probe runs sysctl -n and tests /proc/sys with the literal name (or the name is refused); setting a key would change this machine",
  },
  refused("sysctl-value-newline", "sysctl", "value", [`h.sysctl({ name: "net.ipv4.ip_forward", value: ${lit(`1\ntouch ${DIR}/${MARK}`)}, sysctl_file: ${lit(`${DIR}/t/s.conf`)} })`], "argument validation (and --check)"),
  {
    id: "injection/sysctl-file-path-check-mode",
    kind: "task",
    files: injectionSite(`await h.sysctl({ name: "net.ipv4.ip_forward", value: "0", reload: false, sysctl_file: ${lit(`${DIR}/t/s$(touch ${MARK}).conf`)} });`),
    argv: CHECK,
    exit: 0,
    message: /changed: \[localhost\] sysctl net\.ipv4\.ip_forward/,
    payloads: 1,
    note: "--check: nothing is written; the probe reads the file by its literal name",
  },
  {
    id: "injection/mysql-check-mode",
    kind: "task",
    files: injectionSite(
      each([
        `h.mysql_db({ name: ${lit(`x\`; DROP DATABASE mysql; -- $(touch ${MARK})`)}, login_user: ${lit(`--execute=system touch ${DIR}/${MARK}2`)} })`,
        `h.mysql_user({ name: ${lit(`u'@'%'; $(touch ${MARK}3)`)}, host: ${lit(`--init-command=x`)}, login_host: ${lit(`h;touch ${DIR}/${MARK}4`)} })`,
      ]),
    ),
    argv: CHECK,
    exit: 0,
    message: /mysql_db/,
    payloads: 4,
    note: "--check: no MariaDB on the suite's machine, so the probe finds no server; SQL travels on the client's stdin",
  },
  refused("mysql-login-newlines", "mysql_db", "(login_unix_socket|config_file)", [
    `h.mysql_db({ name: "x", login_unix_socket: ${lit(`/run/x\n--init-command=touch ${DIR}/${MARK}`)} })`,
    `h.mysql_db({ name: "x", config_file: ${lit(`/root/.my.cnf\n!include /etc/shadow`)} })`,
  ], "argument validation (and --check)"),
  refused("debconf-names", "debconf", "name", [`tzdata;touch ${MARK}`, `$(touch ${MARK})`, "--help"].map((n) => `h.debconf({ name: ${lit(n)} })`), "argument validation (and --check)"),
  {
    id: "injection/debconf-question-and-value-check-mode",
    kind: "task",
    files: injectionSite(`await h.debconf({ name: "tzdata", question: ${lit(`tzdata/$(touch\${IFS}${MARK})`)}, vtype: "string", value: ${lit(`x $(touch ${DIR}/${MARK}2) \`touch ${DIR}/${MARK}3\``)} });`),
    argv: CHECK,
    exit: 0,
    message: /changed: \[localhost\] debconf tzdata/,
    payloads: 3,
    note: "--check: debconf-communicate reads the question by its literal name; setting it would change this machine",
  },
  refused("uri-headers", "uri", "headers", [`h.uri({ url: "@@RAW_URL@@/files/u", headers: { ${lit(`X;touch ${MARK}`)}: "a" } })`], "argument validation"),
  {
    id: "injection/ignore-errors-covers-invalid-arguments",
    kind: "task",
    files: injectionSite(`await h.user({ name: ${lit(`$(touch ${MARK})`)} }, { ignoreErrors: true });
        await h.file({ path: ${lit(`${DIR}/t/after`)}, state: "touch" });`),
    argv: CHECK.filter((a) => a !== "--check"),
    exit: 0,
    message: /ignored: \[localhost\] user .*=> invalid arguments: name/,
    payloads: 1,
    mayChange: ["t/after"],
    literal: ["t/after"],
    note: "as in Ansible, ignore_errors covers a task whose arguments the module refuses",
  },
];
