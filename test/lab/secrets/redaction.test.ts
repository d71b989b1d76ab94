import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { DEFAULT_SCRYPT, encryptText } from "../../../src/secrets/envelope.js";
import { REDACTED } from "../../../src/secrets/redact.js";
import { generateSecret } from "../../../src/secrets/schema.js";
import { labSkipReason } from "../availability.js";
import { type Converge, RootShells, type TestSite, explain, total } from "../engine/harness.js";
import { Lab } from "../lab.js";
import { closeSite, openSite } from "../modules/helpers.js";

const skip = labSkipReason();
const HOST = "web2";
const DIR = "/srv/dcv-redact";

// Fresh random values every run, long enough that finding one in the output is no accident.
const db_password = generateSecret({ length: 32, alphabet: "alnum" });
// Printable: & < > and friends, so the JSON and XML forms differ from the value itself.
const stats_password = generateSecret({ length: 40, alphabet: "printable" });
const api_key = generateSecret({ length: 40, alphabet: "alnum" });
const tls_key = ["-----BEGIN TEST KEY-----", ...[1, 2, 3].map(() => generateSecret({ length: 48, alphabet: "alnum" })), "-----END TEST KEY-----", ""].join("\n");
const password = generateSecret({ length: 32, alphabet: "alnum" });
// A quote inside: shellQuote writes it as '"'"', which the masker must know (it once looked for '\'').
const quoted_key = `${generateSecret({ length: 20, alphabet: "alnum" })}'${generateSecret({ length: 20, alphabet: "alnum" })}`;

const xml = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Every 8-character piece of a text: a secret cut short (a shortened task name) must not show either. */
function pieces(v: string): string[] {
  return Array.from({ length: v.length - 7 }, (_, i) => v.slice(i, i + 8));
}

/**
 * What must never be printed: each value in the forms it could be printed in, and every
 * 8-character piece of its random parts (62^8 and more: no output holds one by chance).
 */
function forbidden(): string[] {
  const random = [db_password, stats_password, api_key, ...tls_key.split("\n").filter((l) => l.length === 48), password, ...quoted_key.split("'")];
  const whole = [...random, tls_key, quoted_key].flatMap((v) => [v, JSON.stringify(v).slice(1, -1), xml(v), Buffer.from(v).toString("base64")]);
  return [...whole, ...random.flatMap((v) => [...pieces(v), ...pieces(xml(v))])];
}

const SITE = `import { site, play, role, secret, z } from "$DSL";
const DIR = "${DIR}";
const vault = role({
  name: "vault",
  vars: z.object({
    db_password: secret({ length: 32 }),
    stats_password: secret({ length: 40, alphabet: "printable" }),
    // Not declared secret(): masked because it comes from an encrypted file.
    api_key: z.string(),
    tls_key: z.string(),
    quoted_key: z.string(),
  }),
  async tasks(h, v) {
    await h.file({ path: DIR, state: "directory", mode: "0700" });
    await h.template({ src: "app.conf.njk", dest: DIR + "/app.conf", mode: "0600" });
    await h.lineinfile({ path: DIR + "/app.env", line: "API_KEY=" + v.api_key, regexp: "^API_KEY=", create: true, mode: "0600" });
    // The secret goes in on stdin and comes back on stdout and stderr (the -v result shows both).
    await h.command({ argv: ["sh", "-c", 'read l; echo "$l"; echo "$l" >&2'], stdin: "pw=" + v.db_password + "\\n" }, { name: "password via stdin", changedWhen: false });
    // On a command line (-vvv shows it, the default task name quotes it).
    await h.shell({ cmd: "test -n '" + v.stats_password + "'" }, { changedWhen: false });
    await h.debug({ stats: v.stats_password });
    // As an argv word: quoted by shellQuote in the command (-vvv), the task name and the reports.
    await h.command({ argv: ["test", "-n", v.quoted_key] }, { changedWhen: false });
    await h.shell({ cmd: "echo 'access denied for " + v.api_key + "' >&2; exit 1" }, { ignoreErrors: true });
  },
});
export default site({
  inventory: ["inventory.yml"],
  plays: [
    play({ name: "redact", hosts: "all", become: true, gatherFacts: false, roles: [vault],
      tasks: async (h) => {
        if (h.vars.fail_hard !== undefined) await h.shell({ cmd: "echo 'login refused: " + String(h.vars.db_password) + "' >&2; exit 1" });
      },
    }),
  ],
});
`;

const TEMPLATE = `# managed by do-converge
[database]
password = {{ db_password }}
[stats]
auth = admin:{{ stats_password }}
auth_b64 = {{ stats_password | b64encode }}
[api]
key = {{ api_key | to_json }}
[tls]
{{ tls_key }}`;

describe.skipIf(skip !== undefined)("secret values are masked in every output (web2)", () => {
  const lab = Lab.fromFile();
  const root = new RootShells(lab);
  const sh = (cmd: string) => root.run(HOST, cmd);
  let site: TestSite;
  const junit = (n: number) => join(site.dir, `junit-${n}.xml`);
  const flags = (n: number) => ["--diff", "-vvv", "--password-file", join(site.dir, "password"), "--junit", junit(n)];
  /** stdout, stderr, the JSON report and the JUnit report of a run. */
  const outputOf = (r: Converge, n: number) => [r.stdout, r.stderr, JSON.stringify(r.report), readFileSync(junit(n), "utf8")].join("\n");
  const expectNoSecret = (text: string) => {
    // The message names the form by its index: a failing test must not print the secret either.
    forbidden().forEach((f, i) => expect(text.includes(f), `output holds forbidden form #${i}`).toBe(false));
  };

  beforeAll(async () => {
    site = await openSite(lab, HOST, { "site.ts": SITE, "templates/app.conf.njk": TEMPLATE }, () => root.run(HOST, `rm -rf ${DIR}`));
    site.write("password", `${password}\n`, 0o600);
    site.write("group_vars/all/plain.yml", stringify({ db_password }));
    site.write("group_vars/all/secrets.yml", await encryptText(stringify({ stats_password, api_key, tls_key, quoted_key }), password, DEFAULT_SCRYPT));
  });
  afterAll(() => closeSite(root, site, () => sh(`rm -rf ${DIR}`)));

  it("converges with --diff -vvv: the hosts get the secrets, the output shows ******** instead", async () => {
    const r = await site.converge(flags(1));
    expect(r.code, explain(r)).toBe(0);
    // The values really went through: the assertions below could fail.
    const conf = await sh(`cat ${DIR}/app.conf`);
    for (const v of [db_password, stats_password, api_key, ...tls_key.split("\n")]) expect(conf).toContain(v);
    expect(await sh(`cat ${DIR}/app.env`)).toBe(`API_KEY=${api_key}\n`);
    expect(total(r, "changed")).toBeGreaterThanOrEqual(3);

    expectNoSecret(outputOf(r, 1));
    // The diffs are shown, the secrets in them masked.
    expect(r.stdout).toContain(`+password = ${REDACTED}\n`);
    expect(r.stdout).toContain(`+auth = admin:${REDACTED}\n`);
    expect(r.stdout).toContain(`+auth_b64 = ${REDACTED}\n`);
    expect(r.stdout).toContain(`+key = "${REDACTED}"\n`);
    expect(r.stdout).toContain(`+${REDACTED}\n+${REDACTED}\n+${REDACTED}\n`);
    expect(r.stdout).toContain(`+API_KEY=${REDACTED}`);
    // -v results, -vvv commands and the stdin's size (not its content), the ignored failure.
    expect(r.stdout).toContain(`"stdout": "pw=${REDACTED}"`);
    expect(r.stdout).toContain(`"stderr": "pw=${REDACTED}"`);
    expect(r.stdout).toContain("(stdin: 1 KiB, not shown)");
    expect(r.stdout).toContain(`test -n '${REDACTED}'`);
    expect(r.stdout).toContain(`"stats": "${REDACTED}"`);
    expect(r.stdout).toMatch(new RegExp(`ignored: \\[${HOST}\\] .*access denied for \\*{8}`));
  });

  it("a second converge changes nothing, and still shows no secret", async () => {
    const r = await site.converge(flags(2));
    expect(r.code, explain(r)).toBe(0);
    expect(total(r, "changed"), explain(r)).toBe(0);
    expectNoSecret(outputOf(r, 2));
  });

  it("--check on a drifted file changes nothing; its diff shows the secrets' lines masked", async () => {
    await sh(`echo '# drift' >> ${DIR}/app.conf`);
    const before = await sh(`cat ${DIR}/app.conf`);
    const r = await site.converge([...flags(3), "--check"]);
    expect(r.code, explain(r)).toBe(0);
    expect(await sh(`cat ${DIR}/app.conf`)).toBe(before);
    expect(r.report?.tasks.filter((t) => t.changed).map((t) => t.task)).toEqual([`template ${DIR}/app.conf`]);
    expect(r.stdout).toContain(`-# drift`);
    expect(r.stdout).toContain(` ${REDACTED}\n`);
    expectNoSecret(outputOf(r, 3));
  });

  it("a failing task's error message is masked on the terminal, in the JSON and JUnit reports", async () => {
    const r = await site.converge([...flags(4), "-e", "fail_hard=1"]);
    expect(r.code, explain(r)).toBe(2);
    expect(r.stdout).toMatch(new RegExp(`fatal: \\[${HOST}\\] .*login refused: \\*{8}`));
    expect(r.report?.tasks.find((t) => t.status === "failed")?.msg).toContain(`login refused: ${REDACTED}`);
    expect(readFileSync(junit(4), "utf8")).toMatch(/<failure message="[^"]*login refused: \*{8}/);
    expectNoSecret(outputOf(r, 4));
    // Every report of every run, once more as a whole.
    expectNoSecret(site.reports());
  });
});
