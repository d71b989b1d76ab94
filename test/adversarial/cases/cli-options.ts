import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";

// Command-line options: bad numbers, report and lock files where none can be written, unknown
// and conflicting options, subcommands given what they cannot use. Every file a subcommand could
// write is pointed into the scratch directory, so a wrong acceptance still touches nothing else.

const option = (id: string, argv: readonly string[], message: RegExp, more: Partial<AdversarialCase> = {}): AdversarialCase => ({
  id: `cli/${id}`,
  kind: "config",
  files: { ...localSite(), "adir/.keep": "" },
  argv: ["site.ts", "--no-typecheck", ...argv],
  exit: 1,
  message,
  ...more,
});

/** A subcommand run in the scratch directory (no site run, so nothing to guard but files). */
const sub = (id: string, argv: readonly string[], message: RegExp, files: Record<string, string> = {}): AdversarialCase => ({
  id: `cli/${id}`,
  kind: "config",
  files: { ...localSite(), ...files },
  argv,
  exit: 1,
  message,
});

const SCHEDULE_PLACE = ["--backend", "cron", "--cron-dir", "@@DIR@@/cron.d", "--report-dir", "@@DIR@@/reports", "--no-manage"];

export const cliCases: AdversarialCase[] = [
  option("forks-word", ["--forks", "abc"], /--forks/),
  option("forks-zero", ["--forks", "0"], /--forks/),
  option("forks-negative", ["--forks=-1"], /--forks/),
  option("forks-fraction", ["--forks", "1.5"], /--forks/),
  option("forks-trailing-junk", ["--forks", "10abc"], /--forks/),
  option("profile-top-zero", ["--profile", "--profile-top", "0"], /--profile-top/),
  option("keep-reports-word", ["--json", "r.json", "--keep-reports", "many"], /--keep-reports/),
  option("keep-reports-without-json", ["--keep-reports", "3"], /--keep-reports.*--json|--json.*--keep-reports/),
  option("unknown-long-option", ["--no-such-option"], /--no-such-option/),
  option("unknown-short-option", ["-Z"], /-Z/),
  option("inventory-without-value", ["-i"], /-i|--inventory/),
  option("limit-without-value", ["--limit"], /--limit/),
  option("two-site-files", ["other.ts"], /other\.ts|too many arguments/),
  option("json-to-a-directory", ["--json", "adir"], /(--json|JSON report).*adir|adir.*(--json|JSON report)/),
  option("junit-to-a-directory", ["--junit", "adir"], /(--junit|JUnit report).*adir|adir.*(--junit|JUnit report)/),
  option("html-to-a-directory", ["--html", "adir"], /(--html|HTML report).*adir|adir.*(--html|HTML report)/),
  option("json-to-proc", ["--json", "/proc/version"], /(--json|JSON report).*\/proc\/version|\/proc\/version.*(--json|JSON report)/),
  option("lock-file-is-a-directory", ["--lock-file", "adir"], /adir/),
  option("lock-file-under-proc", ["--lock-file", "/proc/self/adversarial.lock"], /\/proc\/self\/adversarial\.lock/, { hostile: true }),
  option("lock-file-in-proc-file", ["--lock-file", "/proc/version"], /\/proc\/version/, { hostile: true }),
  option("ask-become-pass-without-terminal", ["-K"], /terminal|-K|--ask-become-pass/),
  sub("no-site-and-no-command", [], /Usage: do-converge/),
  sub("unknown-subcommand-like-site", ["invnetory", "--list"], /--list|invnetory/),
  sub("inventory-host-unknown", ["inventory", "site.ts", "--host", "nosuchhost"], /nosuchhost/),
  sub("inventory-graph-unknown-group", ["inventory", "site.ts", "--graph", "nosuchgroup"], /nosuchgroup/),
  sub("inventory-list-and-host", ["inventory", "site.ts", "--list", "--host", "localhost"], /--list.*--host|--host.*--list/),
  sub("template-render-missing", ["template", "render", "nope.j2"], /nope\.j2/),
  sub("template-render-unknown-host", ["template", "render", "t.j2", "-i", "hosts.yml", "--host", "nosuchhost"], /nosuchhost/, { "t.j2": "x\n" }),
  sub("template-render-bad-vars-file", ["template", "render", "t.j2", "--vars", "v.yml"], /v\.yml:\d+/, { "t.j2": "{{ x }}\n", "v.yml": "x: [\n" }),
  sub("template-render-undefined", ["template", "render", "t.j2"], /t\.j2.*undefined_thing|undefined_thing.*t\.j2/, { "t.j2": "{{ undefined_thing }}\n" }),
  sub("secrets-generate-missing-site", ["secrets", "generate", "nope.ts", "--file", "@@DIR@@/s.yml"], /nope\.ts/),
  sub("secrets-decrypt-missing-file", ["secrets", "decrypt", "nope.yml", "--password-file", "pw"], /nope\.yml/, { pw: "x\n" }),
  sub("secrets-encrypt-not-yaml", ["secrets", "encrypt", "s.yml", "--password-file", "pw"], /s\.yml/, { pw: "correct horse battery\n", "s.yml": "a: [\n" }),
  sub("schedule-every-word", ["schedule", "install", "site.ts", "--every", "often", ...SCHEDULE_PLACE], /--every|often/),
  sub("schedule-every-too-short", ["schedule", "install", "site.ts", "--every", "5s", ...SCHEDULE_PLACE], /--every|5s/),
  sub("schedule-cron-uneven-interval", ["schedule", "install", "site.ts", "--every", "7m", ...SCHEDULE_PLACE], /7m|cron/),
  sub("schedule-name-injection", ["schedule", "install", "site.ts", "--every", "30m", "--name", "x;touch MARK", ...SCHEDULE_PLACE], /--name|x;touch MARK/),
  sub("hook-install-outside-git", ["hook", "install", "site.ts"], /git/),
  sub("init-without-token", ["init", "@@DIR@@/newsite", "--yes"], /--token-file|DIGITALOCEAN_TOKEN/),
];
