import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { encryptText } from "../../../src/secrets/envelope.js";
import { LOCAL_INVENTORY, STACK_TRACE, TSX, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";
import { runInPty } from "../init/pty.js";
import { passwordFile, vaultEncrypt, vaultEncryptString } from "./ansible.js";

// The CLI with vaulted variables, converging localhost over the local connection: the values are
// used (the rendered file holds them) and never shown (output, diff, -v results, JSON report); a
// bad password, a changed byte or a missing one stops before any task runs, naming the file (or
// the key and file:line) and the vault id; do-converge's own encrypted secrets keep working beside.

const dir = scratchDir("vault-cli");
const site = join(dir, "site");
const SECRETS = {
  whole: "whole-file vault secret 7c1e",
  inline: "inline vault secret 99ab",
  own: "own-format secret 5d0f",
  extra: "extra vars vault secret 31c4",
};
let pw = { prod: "", dev: "", own: "", wrong: "" };
const out = join(site, "out.conf");
const ran = join(site, "ran");

/** Every secret's text, and each 8-character piece of it: none may be in what the run printed or wrote as a report. */
function leaks(text: string): string[] {
  const found: string[] = [];
  for (const s of Object.values(SECRETS)) for (let i = 0; i + 8 <= s.length; i++) if (text.includes(s.slice(i, i + 8))) found.push(s.slice(i, i + 8));
  return found;
}

const vaultArgs = () => ["--vault-id", `prod@${pw.prod}`, "--vault-id", `dev@${pw.dev}`, "--password-file", pw.own];

beforeAll(async () => {
  pw = {
    prod: passwordFile(dir, "pw-prod", "prod vault password"),
    dev: passwordFile(dir, "pw-dev", "dev vault password"),
    own: passwordFile(dir, "pw-own", "the site's own password"),
    wrong: passwordFile(dir, "pw-wrong", "a wrong password"),
  };
  const files: Record<string, string> = {
    "hosts.yml": LOCAL_INVENTORY,
    "group_vars/all/vault.yml": `whole_secret: ${SECRETS.whole}\n`,
    "extra.yml": `extra_secret: ${SECRETS.extra}\n`,
    "templates/app.conf.j2": "whole={{ whole_secret }}\ninline={{ inline_secret }}\nown={{ own_secret }}\nextra={{ extra_secret }}\n",
    "site.ts": siteSource(
      [
        `await h.file({ path: ${JSON.stringify(ran)}, state: "touch" });`,
        `await h.template({ src: "app.conf.j2", dest: ${JSON.stringify(out)}, mode: "0600" });`,
        `await h.debug(\`using \${String(h.vars.inline_secret)}\`);`,
      ].join("\n"),
    ),
  };
  for (const [name, text] of Object.entries(files)) {
    const path = join(site, name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  await vaultEncrypt(dir, [join(site, "group_vars/all/vault.yml")], ["--vault-id", `prod@${pw.prod}`]);
  await vaultEncrypt(dir, [join(site, "extra.yml")], ["--vault-id", `prod@${pw.prod}`]);
  const inline = await vaultEncryptString(dir, [["inline_secret", SECRETS.inline]], ["--vault-id", `dev@${pw.dev}`]);
  mkdirSync(join(site, "host_vars"), { recursive: true });
  writeFileSync(join(site, "host_vars/localhost.yml"), `# the host's own secret\n${inline}`);
  writeFileSync(join(site, "group_vars/all/own.yml"), await encryptText(`own_secret: ${SECRETS.own}\n`, "the site's own password", { N: 1024, r: 8, p: 1 }));
}, 120_000);

describe("a run with ansible-vault variables", () => {
  it("uses every value and shows none: output, --diff, -v, the JSON report", async () => {
    const report = join(dir, "report.json");
    const r = await cli(site, ["site.ts", "-i", "hosts.yml", "--no-typecheck", "--diff", "-v", "--json", report, "-e", "@extra.yml", ...vaultArgs()]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(`whole=${SECRETS.whole}\ninline=${SECRETS.inline}\nown=${SECRETS.own}\nextra=${SECRETS.extra}\n`);
    // The diff was shown (masked), so the values passed through it.
    expect(r.stdout).toContain("+whole=********");
    expect(r.stdout).toContain("using ********");
    expect(leaks(r.stdout + r.stderr)).toEqual([]);
    expect(leaks(readFileSync(report, "utf8"))).toEqual([]);
  }, 120_000);

  it("inventory --host and --list show the values as ********, template render masks them", async () => {
    const host = await cli(site, ["inventory", "-i", "hosts.yml", "--host", "localhost", ...vaultArgs()]);
    expect(host.code, host.stderr).toBe(0);
    expect(host.stdout).toMatch(/^inline_secret: "\*{8}" +# host_vars\/<host>: /m);
    expect(host.stdout).toMatch(/^whole_secret: "\*{8}" +# group_vars\/all: /m);
    const list = await cli(site, ["inventory", "-i", "hosts.yml", "--list", ...vaultArgs()]);
    expect(list.code, list.stderr).toBe(0);
    const hostvars = (JSON.parse(list.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } })._meta.hostvars["localhost"];
    expect(hostvars).toMatchObject({ inline_secret: "********", whole_secret: "********", own_secret: "********" });
    const render = await cli(site, ["template", "render", "templates/app.conf.j2", "--vars", "group_vars/all/vault.yml", "--vars", "host_vars/localhost.yml", "--vars", "group_vars/all/own.yml", "--vars", "extra.yml", ...vaultArgs()]);
    expect(render.code, render.stderr).toBe(0);
    expect(render.stdout).toBe("whole=********\ninline=********\nown=********\nextra=********\n");
    expect(leaks(host.stdout + list.stdout + render.stdout)).toEqual([]);
  }, 120_000);

  it("ANSIBLE_VAULT_PASSWORD_FILE and a password script work as --vault-password-file does", async () => {
    const script = join(dir, "prod-pass.sh");
    writeFileSync(script, `#!/bin/sh\ncat ${JSON.stringify(pw.prod)}\n`, { mode: 0o755 });
    const r = await cli(site, ["inventory", "-i", "hosts.yml", "--graph", "--vault-password-file", script, "--vault-id", `dev@${pw.dev}`, "--password-file", pw.own]);
    expect(r.code, r.stderr).toBe(0);
    const e = await cli(site, ["inventory", "-i", "hosts.yml", "--graph", "--vault-id", `dev@${pw.dev}`, "--password-file", pw.own], { ANSIBLE_VAULT_PASSWORD_FILE: pw.prod });
    expect(e.code, e.stderr).toBe(0);
  }, 60_000);
});

describe("--ask-vault-pass on a terminal", () => {
  it("asks once, without echo, and the answer opens the vault data", async () => {
    const bin = new URL("../../../src/cli/bin.ts", import.meta.url).pathname;
    const command = `node --import ${TSX} ${bin} inventory -i hosts.yml --host localhost --ask-vault-pass --vault-id dev@${pw.dev} --password-file ${pw.own}`;
    const pty = runInPty(command, { cwd: site, env: { ...process.env, TERM: "dumb", NO_COLOR: "1" } });
    await pty.waitFor("Vault password: ");
    pty.type("prod vault password");
    await pty.waitFor("whole_secret: \"********\"");
    expect(await pty.exited).toBe(0);
    expect(pty.transcript()).not.toContain("prod vault password");
    expect(pty.transcript().match(/Vault password: /g)).toHaveLength(1);
  }, 60_000);
});

describe("vault mistakes stop the run before any host is touched: exit 1, one line", () => {
  const cases: Array<[string, () => string[], Record<string, string>, () => string]> = [
    [
      "a wrong password for a whole file names the file and its vault id",
      () => ["--vault-id", `prod@${pw.wrong}`, "--vault-id", `dev@${pw.dev}`, "--password-file", pw.own],
      {},
      () =>
        `ERROR: ${site}/group_vars/all/vault.yml: cannot decrypt the ansible-vault data (vault id 'prod') with the vault passwords of prod (--vault-id prod@${pw.wrong}), dev (--vault-id dev@${pw.dev}): a wrong password, or the data was altered\n`,
    ],
    [
      "a wrong password for an inline value names the key and its file:line",
      () => ["--vault-id", `prod@${pw.prod}`, "--vault-id", `dev@${pw.wrong}`, "--password-file", pw.own],
      {},
      () =>
        `ERROR: ${site}/host_vars/localhost.yml:2:23: inline_secret: cannot decrypt the ansible-vault data (vault id 'dev') with the vault passwords of dev (--vault-id dev@${pw.wrong}), prod (--vault-id prod@${pw.prod}): a wrong password, or the data was altered\n`,
    ],
    [
      "no vault password at all",
      () => ["--password-file", pw.own],
      {},
      () => `ERROR: ${site}/group_vars/all/vault.yml: is encrypted with ansible-vault (vault id 'prod'): give --vault-password-file FILE, --vault-id ID@FILE or --ask-vault-pass, or set ANSIBLE_VAULT_PASSWORD_FILE\n`,
    ],
    [
      "--ask-vault-pass without a terminal",
      () => ["--ask-vault-pass", "--password-file", pw.own],
      {},
      () => "ERROR: Vault password: needs a terminal; give --vault-password-file FILE instead\n",
    ],
  ];

  it.each(cases)("%s", async (_what, args, env, message) => {
    rmRan();
    const r = await cli(site, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...args()], env);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toBe(message());
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(ran)).toBe(false);
  }, 60_000);

  it("a changed byte in a vault file: exit 1 naming it, nothing run", async () => {
    rmRan();
    const file = join(site, "group_vars/all/vault.yml");
    const original = readFileSync(file, "utf8");
    try {
      const lines = original.trimEnd().split("\n");
      const last = lines.at(-1) ?? "";
      lines[lines.length - 1] = last.slice(0, -1) + (last.endsWith("1") ? "2" : "1");
      writeFileSync(file, `${lines.join("\n")}\n`);
      const r = await cli(site, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...vaultArgs()]);
      expect(r.code, r.stdout + r.stderr).toBe(1);
      expect(r.stderr.startsWith(`ERROR: ${file}: cannot decrypt the ansible-vault data (vault id 'prod') with the vault password`), r.stderr).toBe(true);
      expect(r.stderr.endsWith(": a wrong password, or the data was altered\n"), r.stderr).toBe(true);
      expect(existsSync(ran)).toBe(false);
      writeFileSync(file, `${lines.slice(0, -1).join("\n")}\n`);
      const t = await cli(site, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...vaultArgs()]);
      expect(t.code, t.stdout + t.stderr).toBe(1);
      expect(t.stderr.startsWith(`ERROR: ${file}: not valid ansible-vault data: `), t.stderr).toBe(true);
      expect(t.stdout + t.stderr).not.toMatch(STACK_TRACE);
      expect(existsSync(ran)).toBe(false);
    } finally {
      writeFileSync(file, original);
    }
  }, 60_000);
});

function rmRan(): void {
  rmSync(ran, { force: true });
}
