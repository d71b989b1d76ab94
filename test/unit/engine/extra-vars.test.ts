import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseExtraVars, readExtraVars } from "../../../src/cli/extra-vars.js";
import { ConfigError } from "../../../src/runner/errors.js";
import { SecretsError } from "../../../src/secrets/errors.js";
import { SecretsKeyring } from "../../../src/secrets/keyring.js";

/** What `fn` throws or rejects with, failing the test if it returns. */
async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error("expected an exception, but the call returned");
}

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "do-converge-extra-vars-"));
  writeFileSync(join(dir, "vars.yml"), "db_name: wordpress\nreplicas: 3\nflags:\n  - a\n  - b\nnested:\n  key: value\n");
  writeFileSync(join(dir, "vars.json"), '{"db_name": "blog", "port": 3306, "enabled": true}');
  writeFileSync(join(dir, "list.yml"), "- one\n- two\n");
  writeFileSync(join(dir, "scalar.yml"), "just a string\n");
  writeFileSync(join(dir, "broken.yml"), "a: [unclosed\n");
  writeFileSync(join(dir, "empty.yml"), "");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseExtraVars (ansible-playbook -e)", async () => {
  it("returns an empty mapping for no -e at all", async () => {
    expect(await parseExtraVars([])).toEqual({});
  });

  it("parses key=value pairs; the values stay strings, as Ansible's parse_kv leaves them", async () => {
    expect(await parseExtraVars(["version=1.2 count=3 enabled=true"])).toEqual({ version: "1.2", count: "3", enabled: "true" });
  });

  it("accepts double- and single-quoted values with spaces and strips the quotes", async () => {
    expect(await parseExtraVars([`msg="hello world" name='it is' plain=x`])).toEqual({ msg: "hello world", name: "it is", plain: "x" });
  });

  it("splits only on the first = so values may contain =", async () => {
    expect(await parseExtraVars(["opts=a=b,c=d", 'q="x = y"'])).toEqual({ opts: "a=b,c=d", q: "x = y" });
  });

  it("keeps an empty value as the empty string", async () => {
    expect(await parseExtraVars(["empty= other=1"])).toEqual({ empty: "", other: "1" });
    expect(await parseExtraVars(['empty=""'])).toEqual({ empty: "" });
  });

  it("parses a JSON mapping with its types", async () => {
    expect(await parseExtraVars(['{"port": 8080, "debug": false, "hosts": ["a", "b"], "n": null}'])).toEqual({
      port: 8080,
      debug: false,
      hosts: ["a", "b"],
      n: null,
    });
  });

  it("parses a YAML flow mapping", async () => {
    expect(await parseExtraVars(["{db_name: wp, replicas: 2, tags: [x, y], nested: {k: v}}"])).toEqual({
      db_name: "wp",
      replicas: 2,
      tags: ["x", "y"],
      nested: { k: "v" },
    });
  });

  it("reads @file.yml and @file.json", async () => {
    expect(await parseExtraVars([`@${join(dir, "vars.yml")}`])).toEqual({ db_name: "wordpress", replicas: 3, flags: ["a", "b"], nested: { key: "value" } });
    expect(await parseExtraVars([`@${join(dir, "vars.json")}`])).toEqual({ db_name: "blog", port: 3306, enabled: true });
  });

  it("later -e options override earlier ones, key by key (top level replaced, not merged)", async () => {
    const vars = await parseExtraVars([`@${join(dir, "vars.yml")}`, "db_name=override", '{"nested": {"other": 1}}', "replicas=5"]);
    expect(vars).toEqual({ db_name: "override", replicas: "5", flags: ["a", "b"], nested: { other: 1 } });
  });

  it("within one key=value item a repeated key keeps the last value", async () => {
    expect(await parseExtraVars(["a=1 a=2"])).toEqual({ a: "2" });
  });

  it("rejects a word that is not key=value, naming it", async () => {
    const err = await thrown(() => parseExtraVars(["a=1 oops"]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe('--extra-vars "a=1 oops": "oops" is not key=value');
  });

  it("rejects an empty key", async () => {
    const err = await thrown(() => parseExtraVars(["=value"]));
    expect(err).toBeInstanceOf(ConfigError);
    // parse_kv looks for '=' after the first character: Ansible's `_raw_params`, refused here.
    expect(err.message).toBe('--extra-vars "=value": "=value" is not key=value');
  });

  it("rejects a file whose content is a list or a scalar: extra vars must be a mapping", async () => {
    const list = await thrown(() => parseExtraVars([`@${join(dir, "list.yml")}`]));
    expect(list).toBeInstanceOf(ConfigError);
    expect(list.message).toBe(`--extra-vars @${join(dir, "list.yml")}: must be a mapping of variables`);
    const scalar = await thrown(() => parseExtraVars([`@${join(dir, "scalar.yml")}`]));
    expect(scalar).toBeInstanceOf(ConfigError);
    expect(scalar.message).toBe(`--extra-vars @${join(dir, "scalar.yml")}: must be a mapping of variables`);
  });

  it("rejects an empty file (YAML null) as not a mapping", async () => {
    const err = await thrown(() => parseExtraVars([`@${join(dir, "empty.yml")}`]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message).toBe(`--extra-vars @${join(dir, "empty.yml")}: must be a mapping of variables`);
  });

  it("reports a missing file as a ConfigError naming the option", async () => {
    const missing = join(dir, "nope.yml");
    const err = await thrown(() => parseExtraVars([`@${missing}`]));
    expect(err).toBeInstanceOf(ConfigError);
    expect(err.message.startsWith(`--extra-vars @${missing}: ENOENT`)).toBe(true);
  });

  it("reports YAML syntax errors in a file and in inline mappings as ConfigErrors", async () => {
    const file = await thrown(() => parseExtraVars([`@${join(dir, "broken.yml")}`]));
    expect(file).toBeInstanceOf(ConfigError);
    expect(file.message.startsWith(`--extra-vars @${join(dir, "broken.yml")}: `)).toBe(true);
    const inline = await thrown(() => parseExtraVars(['{"a": 1']));
    expect(inline).toBeInstanceOf(ConfigError);
    expect(inline.message.startsWith("--extra-vars: not a valid mapping: ")).toBe(true);
  });

  it("rejects an inline JSON list, as Ansible does (not a dictionary)", async () => {
    expect(await thrown(() => parseExtraVars(["[1, 2]"]))).toBeInstanceOf(ConfigError);
  });

  it("reads an encrypted secrets file with the run's keyring, and refuses it clearly without one or with a wrong password", async () => {
    const file = join(dir, "sealed.yml");
    // 0600: a password file others can read is refused.
    writeFileSync(join(dir, "password"), "a long passphrase\n", { mode: 0o600 });
    writeFileSync(join(dir, "wrong"), "not the passphrase\n", { mode: 0o600 });
    // Cheap scrypt parameters: the format is the point here, not the key's cost.
    const sealed = await new SecretsKeyring({ passwordFile: join(dir, "password") }).encrypt("api_key: s3cr3t-value\nport: 8443\n", file, { N: 1024, r: 8, p: 1 });
    writeFileSync(file, sealed);
    const keyring = new SecretsKeyring({ passwordFile: join(dir, "password") });
    const seen: string[] = [];
    const decrypt = {
      file: async (text: string, name: string) => {
        seen.push(name);
        return keyring.decrypt(text, name);
      },
    };
    expect(await parseExtraVars([`@${file}`, "port=9000"], decrypt)).toEqual({ api_key: "s3cr3t-value", port: "9000" });
    expect(seen).toEqual([file]);

    const none = await thrown(() => parseExtraVars([`@${file}`]));
    expect(none).toBeInstanceOf(ConfigError);
    expect(none.message).toBe(`--extra-vars @${file}: an encrypted secrets file: give --password-file FILE or set DO_CONVERGE_PASSWORD_FILE`);
    const wrongKeyring = new SecretsKeyring({ passwordFile: join(dir, "wrong") });
    const wrong = await thrown(() => parseExtraVars([`@${file}`], { file: (t, n) => wrongKeyring.decrypt(t, n) }));
    expect(wrong).toBeInstanceOf(SecretsError);
    expect(wrong.message).toContain(file);
    expect(wrong.message).not.toContain("s3cr3t");
  });

  it("refuses a key that is not a plain name at its file:line, before any value of the file is read", async () => {
    // Three levels of eleven aliases: the value of `c` passes the alias bound when it is read.
    const eleven = (alias: string) => `[${Array(11).fill(alias).join(", ")}]`;
    const values = `a: &a ${eleven("x")}\nb: &b ${eleven("*a")}\nc: ${eleven("*b")}\n`;
    const bomb = join(dir, "alias-values.yml");
    writeFileSync(bomb, values);
    const badKey = join(dir, "alias-values-bad-key.yml");
    writeFileSync(badKey, `${values}d: 1\n[e]: 2\n`);
    // The value alone is an error at its own line...
    expect((await thrown(() => parseExtraVars([`@${bomb}`]))).message).toMatch(new RegExp(`^${bomb}:3:\\d+: invalid YAML: aliases expand too far`));
    // ...but every key is checked first, as for a vars file: the bad key is the error, at line 5.
    expect((await thrown(() => parseExtraVars([`@${badKey}`]))).message).toBe(`${badKey}:5:1: (top level): keys must be plain names`);
  });

  it("keeps the Python form of the first -e as read, and a later -e that replaces a variable drops it", async () => {
    const file = join(dir, "floats.yml");
    writeFileSync(file, "ratio: 3.0\nkeep: 1.0\nname: x\n");
    const alone = await readExtraVars([`@${file}`]);
    expect(alone.values).toEqual({ ratio: 3, keep: 1, name: "x" });
    expect(Object.keys(alone.exact)).toEqual(["ratio", "keep"]);
    const replaced = await readExtraVars([`@${file}`, "ratio=4"]);
    expect(replaced.values).toEqual({ ratio: "4", keep: 1, name: "x" });
    expect(Object.keys(replaced.exact)).toEqual(["keep"]);
    // A later file's Python forms replace the earlier ones.
    const again = await readExtraVars(["name=y", `@${file}`]);
    expect(again.values).toEqual({ name: "x", ratio: 3, keep: 1 });
    expect(Object.keys(again.exact)).toEqual(["ratio", "keep"]);
  });

  it("ignores one space before key=value and spaces after it, skips an empty item; two spaces before are refused, as parse_kv fails on them", async () => {
    expect(await parseExtraVars([" a=1  ", "", '  {"b": 2}  '])).toEqual({ a: "1", b: 2 });
    await expect(parseExtraVars(["  a=1"])).rejects.toThrow('--extra-vars "  a=1": Ansible cannot split it: blank space or a line break before its first key=value');
  });
});
