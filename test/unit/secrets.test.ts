import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import { afterAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { inventoryCommand } from "../../src/cli/inventory-command.js";
import { secretsGenerateCommand } from "../../src/cli/secrets-command.js";
import { REDACTED, redactSecrets } from "../../src/secrets/redact.js";
import { SecretsError } from "../../src/secrets/errors.js";
import { fillSecrets } from "../../src/secrets/generate.js";
import { generateSecret, secret, secretSlots } from "../../src/secrets/schema.js";

const DSL = new URL("../../src/index.ts", import.meta.url).pathname;

describe("secret() variables", () => {
  const schema = z.object({
    plain: z.string().default("x"),
    db_password: secret(),
    short: secret({ length: 8 }).optional(),
    salts: z.object({ auth_key: secret({ length: 64, alphabet: "printable" }), nonce_key: secret({ length: 64, alphabet: "printable" }) }),
    token: secret({ alphabet: "hex", length: 40 }).default("0".repeat(40)),
    api_token: secret({ generate: false }),
  });

  it("are found through optional/default wrappers and nested mappings, with their specs", () => {
    const slots = secretSlots(schema).map((s) => [s.path.join("."), s.spec.length, s.spec.alphabet]);
    expect(slots).toEqual([
      ["db_password", 32, "alnum"],
      ["short", 8, "alnum"],
      ["salts.auth_key", 64, "printable"],
      ["salts.nonce_key", 64, "printable"],
      ["token", 40, "hex"],
      ["api_token", 32, "alnum"],
    ]);
  });

  it("refuse values shorter than 8 characters", () => {
    expect(schema.safeParse({ db_password: "short", salts: { auth_key: "k".repeat(9), nonce_key: "n".repeat(9) } }).success).toBe(false);
  });

  it("are generated from their alphabet, at their length, differently each time", () => {
    const a = generateSecret({ length: 64, alphabet: "printable" });
    expect(a).toHaveLength(64);
    expect(a).not.toMatch(/[\s'"\\$`{}]/);
    expect(generateSecret({ length: 40, alphabet: "hex" })).toMatch(/^[0-9a-f]{40}$/);
    expect(generateSecret({ length: 32, alphabet: "alnum" })).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(generateSecret({ length: 32, alphabet: "alnum" })).not.toBe(generateSecret({ length: 32, alphabet: "alnum" }));
  });

  it("fill only what is missing and keep every existing value", () => {
    const slots = secretSlots(schema);
    const { values, added, unset } = fillSecrets("s.yml", { db_password: "kept-password", salts: { auth_key: "kept-salt" }, other: 1 }, slots);
    expect(added).toEqual(["short", "salts.nonce_key", "token"]);
    // An API token cannot be made up: it is reported for the operator to set, not generated.
    expect(unset).toEqual(["api_token"]);
    expect(values["api_token"]).toBeUndefined();
    expect(values["db_password"]).toBe("kept-password");
    expect(values["other"]).toBe(1);
    expect((values["salts"] as Record<string, string>)["auth_key"]).toBe("kept-salt");
    expect(fillSecrets("s.yml", values, slots).added).toEqual([]);
  });

  it("name the file and key when a mapping is expected and a string is there", () => {
    expect(() => fillSecrets("s.yml", { salts: "oops" }, secretSlots(schema))).toThrow(SecretsError);
    expect(() => fillSecrets("s.yml", { salts: "oops" }, secretSlots(schema))).toThrow("s.yml: salts.auth_key: salts is set but is not a mapping");
  });
});

describe("redactSecrets", () => {
  it("replaces the values at secret paths, nested ones included, and leaves the rest and the input alone", () => {
    const slots = secretSlots(z.object({ a: secret(), m: z.object({ k: secret() }), absent: secret().optional() }));
    const vars = { a: "alpha-secret", m: { k: "kappa-secret", other: 1 }, plain: "p" };
    expect(redactSecrets(vars, slots)).toEqual({ a: REDACTED, m: { k: REDACTED, other: 1 }, plain: "p" });
    expect(vars.a).toBe("alpha-secret");
  });
});

describe("secrets generate", () => {
  const dir = mkdtempSync(join(tmpdir(), "dcv-secrets-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(
    join(dir, "site.ts"),
    `import { play, role, secret, site, z } from "${DSL}";
const db = role({ name: "db", vars: z.object({ db_password: secret(), db_name: z.string().default("wp") }), async tasks() {} });
const web = role({ name: "web", vars: z.object({ api_token: secret({ generate: false }), db_password: secret(), salts: z.object({ auth_key: secret({ length: 64, alphabet: "printable" }) }) }), async tasks() {} });
export default site({ plays: [play({ name: "db", hosts: "db", roles: [db] }), play({ name: "web", hosts: "web", roles: [web] })] });
`,
  );

  it("writes every secret of the site's roles once, 0600, and a second run changes nothing", async () => {
    const file = join(dir, "inventory/group_vars/all/secrets.yml");
    const out = await secretsGenerateCommand(join(dir, "site.ts"), {});
    expect(out).toBe(`${file}: generated db_password, salts.auth_key\n${file}: set by hand (here, in other group_vars, or with -e): api_token\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const first = readFileSync(file, "utf8");
    const values = parse(first) as { db_password: string; salts: { auth_key: string } };
    expect(values.db_password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(values.salts.auth_key).toHaveLength(64);
    // The command's output names secrets, never their values.
    expect(out).not.toContain(values.db_password);

    expect(await secretsGenerateCommand(join(dir, "site.ts"), {})).toMatch(new RegExp(`^${file}: every generated secret of the site is already set\n`));
    expect(readFileSync(file, "utf8")).toBe(first);
  });

  it("shows the site's secrets as ******** in `inventory --host` and `--list`", async () => {
    writeFileSync(join(dir, "inventory/hosts.yml"), "all:\n  hosts:\n    web1: { ansible_host: 10.0.0.1 }\n");
    const values = parse(readFileSync(join(dir, "inventory/group_vars/all/secrets.yml"), "utf8")) as { db_password: string; salts: { auth_key: string } };
    const opts = { inventory: [join(dir, "inventory/hosts.yml")] };
    const host = await inventoryCommand(join(dir, "site.ts"), { ...opts, host: "web1" });
    expect(host.output).toContain(`db_password: "${REDACTED}"`);
    expect(host.output).toContain(`salts: {"auth_key":"${REDACTED}"}`);
    const list = await inventoryCommand(join(dir, "site.ts"), { ...opts, list: true });
    for (const out of [host.output, list.output]) {
      expect(out).not.toContain(values.db_password);
      expect(out).not.toContain(values.salts.auth_key);
    }
    expect(list.output).toContain(`"db_password": "${REDACTED}"`);
  });

  it("refuses a secrets file that is not a mapping, naming it", async () => {
    const file = join(dir, "bad.yml");
    writeFileSync(file, "- a list\n");
    await expect(secretsGenerateCommand(join(dir, "site.ts"), { file })).rejects.toThrow(`${file}: must be a mapping of variable names to values`);
  });
});
