import { shellQuote } from "../../src/remote/quote.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { ConnectionSpec } from "../../src/inventory/connection.js";
import { maskEvent } from "../../src/report/masked-event.js";
import { TerminalReporter } from "../../src/report/terminal.js";
import { JsonReporter } from "../../src/report/json.js";
import { JunitReporter } from "../../src/report/junit.js";
import { collectRunSecrets } from "../../src/runner/run-secrets.js";
import { secretsOfDecrypted } from "../../src/cli/run-secrets-input.js";
import { stdinSize } from "../../src/runner/connections.js";
import type { RunEvent, TaskEnd } from "../../src/runner/events.js";
import { SecretMasker } from "../../src/secrets/masker.js";
import { REDACTED } from "../../src/secrets/redact.js";
import { secret } from "../../src/secrets/schema.js";
import { role, site, play } from "../../src/site/dsl.js";
import { generateSecret } from "../../src/secrets/schema.js";

function masker(...values: string[]): SecretMasker {
  const m = new SecretMasker();
  for (const v of values) m.add(v);
  return m;
}

describe("SecretMasker.mask", () => {
  it("replaces every occurrence, whatever the length, by the same ********", () => {
    const m = masker("hunter2!", "a-much-longer-secret-value-0123456789");
    expect(m.mask("pw=hunter2! and again hunter2!")).toBe(`pw=${REDACTED} and again ${REDACTED}`);
    expect(m.mask("token a-much-longer-secret-value-0123456789.")).toBe(`token ${REDACTED}.`);
  });

  it("leaves text without secrets, and runs without secrets, alone", () => {
    expect(masker("hunter2!").mask("nothing here")).toBe("nothing here");
    expect(new SecretMasker().mask("hunter2!")).toBe("hunter2!");
  });

  it("masks a secret that is a substring of another, and the longer one whole", () => {
    const m = masker("abcdef", "xxabcdefyy");
    expect(m.mask("1 xxabcdefyy 2 abcdef 3")).toBe(`1 ${REDACTED} 2 ${REDACTED} 3`);
    // Added the other way round: same result (no leftover "xx"/"yy" pieces).
    expect(masker("xxabcdefyy", "abcdef").mask("xxabcdefyy")).toBe(REDACTED);
  });

  it("merges overlapping and adjacent secrets into one mask, so no piece of either shows", () => {
    const m = masker("abcd1234", "1234wxyz");
    expect(m.mask("<abcd1234wxyz>")).toBe(`<${REDACTED}>`);
    expect(m.mask("<abcd12341234wxyz>")).toBe(`<${REDACTED}>`);
    // Overlapping occurrences of one secret with itself.
    expect(masker("aaaa").mask("baaaaaab")).toBe(`b${REDACTED}b`);
  });

  it("masks JSON-escaped values, once and twice escaped", () => {
    const s = 'pa"ss\\word\tX';
    const m = masker(s);
    const once = JSON.stringify({ password: s });
    expect(once).not.toContain(s);
    expect(m.mask(once)).toBe(`{"password":"${REDACTED}"}`);
    const twice = JSON.stringify({ stdout: once });
    expect(m.mask(twice)).not.toContain(JSON.stringify(s).slice(1, -1));
    expect(m.mask(twice)).toContain(REDACTED);
  });

  it("masks a multi-line secret whole, and each of its lines when prefixed (diffs, indented -vvv)", () => {
    const key = "-----BEGIN KEY-----\nQUJDREVGR0hJSktMTU5PUFFSU1RVVldY\nWVphYmNkZWZnaGlqa2xtbm9wcXJz\n-----END KEY-----";
    const m = masker(key);
    expect(m.mask(`before\n${key}\nafter`)).toBe(`before\n${REDACTED}\nafter`);
    const diff = key.split("\n").map((l) => `+${l}`).join("\n");
    const masked = m.mask(diff);
    expect(masked).not.toContain("QUJDREVGR0hJSktMTU5PUFFSU1RVVldY");
    expect(masked).not.toContain("WVphYmNkZWZnaGlqa2xtbm9wcXJz");
  });

  it("masks the shell-quoted, XML-escaped and percent-encoded forms", () => {
    const s = "it's<&>a/secret";
    const m = masker(s);
    // As the code that quotes writes it (shellQuote), alone, inside a longer word, and quoted
    // again (a script that holds it, framed for the remote shell).
    expect(m.mask(`echo ${shellQuote(s)}`)).toBe(`echo '${REDACTED}'`);
    expect(m.mask(`chpasswd ${shellQuote(`root:${s}`)}`)).toBe(`chpasswd 'root:${REDACTED}'`);
    expect(m.mask(`eval ${shellQuote(`echo ${shellQuote(s)}`)}`)).not.toContain("a/secret");
    expect(m.mask(`<failure message="it&apos;s&lt;&amp;&gt;a/secret"/>`)).toBe(`<failure message="${REDACTED}"/>`);
    expect(m.mask(`https://u:${encodeURIComponent(s)}@h/`)).toBe(`https://u:${REDACTED}@h/`);
  });

  it("masks a secret inside base64 text, at every alignment", () => {
    const s = generateSecret({ length: 24, alphabet: "alnum" });
    const m = masker(s);
    for (const prefix of ["", "a", "ab", "abc"]) {
      const b64 = Buffer.from(`${prefix}${s}tail`).toString("base64");
      const out = m.mask(b64);
      expect(out).toContain(REDACTED);
      // Only the edge groups shared with the neighbours may stay: never the secret's middle.
      expect(Buffer.from(out.split(REDACTED).join(""), "base64").toString("latin1")).not.toContain(s.slice(4, 20));
    }
  });

  it("ignores values too short to mask meaningfully, non-strings and asterisks", () => {
    const m = new SecretMasker();
    m.add("abc");
    m.add(12345);
    m.add(undefined);
    m.add("********");
    expect(m.size).toBe(0);
  });
});

describe("SecretMasker.maskDeep and maskEvent", () => {
  const s = "S3cr3t-Value-xyz";
  const m = masker(s);

  it("masks every string of a result, keys and byte arrays included", () => {
    const out = m.maskDeep({ stdout: `x ${s}`, list: [s, 1, true], nested: { [s]: null }, bytes: Buffer.from(`k=${s}`), other: Buffer.from("plain") });
    expect(JSON.stringify(out)).not.toContain(s);
    expect(out).toMatchObject({ stdout: `x ${REDACTED}`, list: [REDACTED, 1, true], nested: { [REDACTED]: null }, bytes: REDACTED });
  });

  it("masks a task-end's name, message and result, and keeps its diffs raw for the terminal", () => {
    const e: TaskEnd = {
      type: "task-end", play: "p", host: "h", task: `shell echo ${s}`, module: "shell", status: "changed", startedAt: 0, durationMs: 1,
      msg: `failed: ${s}`, summary: s, result: { stdout: s }, diffs: [{ label: "/etc/x", before: "a\n", after: `pass ${s}\n` }],
    };
    const out = maskEvent(e, m) as TaskEnd;
    expect(JSON.stringify({ ...out, diffs: undefined })).not.toContain(s);
    expect(out.diffs?.[0]?.after).toContain(s);
  });

  it("the terminal prints diffs, -v results and -vvv commands masked; reports hold no secret", () => {
    let printed = "";
    const t = new TerminalReporter({ write: (x) => (printed += m.mask(x)), color: false, verbosity: 3, diff: true });
    const events: RunEvent[] = [
      { type: "command", host: "h", user: "root", command: `printf '%s' '${s}' | chpasswd`, stdin: stdinSize(s.length) },
      { type: "task-end", play: "p", host: "h", task: "x", module: "template", status: "changed", startedAt: 0, durationMs: 1, result: { content: s },
        diffs: [{ label: "/etc/x", before: `pass old-${s}\n`, after: `pass ${s}\n` }] },
    ];
    const json = new JsonReporter((x) => m.mask(x));
    const junit = new JunitReporter(Date.now, (x) => m.mask(x));
    for (const raw of events) {
      const e = maskEvent(raw, m);
      t.handle(e);
      json.handle(e);
      junit.handle(e);
    }
    expect(printed).not.toContain(s);
    expect(printed).toContain(`-pass old-${REDACTED}`);
    expect(printed).toContain(`+pass ${REDACTED}`);
    expect(printed).toContain("(stdin: 1 KiB, not shown)");
  });
});

describe("collecting a run's secrets", () => {
  it("takes secret() slots from every host's variables (raw and parsed) and become passwords", () => {
    const r = role({ name: "r", vars: z.object({ db_password: secret(), nested: z.object({ key: secret() }).optional(), plain: z.string().default("visible") }), tasks: async () => undefined });
    const st = site({ inventory: [], plays: [play({ name: "p", hosts: "all", roles: [r] })] });
    const spec: ConnectionSpec = { name: "a", host: "a", port: 22, connection: "ssh", become: true, becomeUser: "root", becomeMethod: "sudo", becomePassword: "sudo-password" };
    const m = new SecretMasker();
    collectRunSecrets(m, st, {
      allVars: new Map([["a", { db_password: "raw-password-a", plain: "visible" }]]),
      playVars: [new Map([["b", { db_password: "play-password-b" }]])],
      roleVars: [new Map([["c", new Map([["r", { db_password: "parsed-password-c", nested: { key: "nested-key-c" } }]])]])],
      specs: [new Map([["a", spec]])],
    });
    expect(m.mask("raw-password-a play-password-b parsed-password-c nested-key-c sudo-password visible")).toBe(
      `${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} visible`,
    );
  });

  it("takes every string of a decrypted secrets file, and every line of one that is not YAML", () => {
    const m = new SecretMasker();
    secretsOfDecrypted(m, "a: first-secret\nnested:\n  b: second-secret\nlist: [third-secret]\nport: 3306\n");
    expect(m.mask("first-secret second-secret third-secret 3306")).toBe(`${REDACTED} ${REDACTED} ${REDACTED} 3306`);
    const bad = new SecretMasker();
    secretsOfDecrypted(bad, "a: good-secret\n  b: [broken-secret\n");
    expect(bad.mask("good-secret [broken-secret")).not.toMatch(/good-secret|broken-secret/);
  });
});

describe("SecretMasker and shortened text", () => {
  it("masks the first part of a secret cut short by '...' or '…', and nothing else before it", () => {
    const s = "Kq3vZ9LmP2xW8rT4";
    const m = masker(s);
    expect(m.mask(`shell echo 'denied for ${s.slice(0, 9)}...`)).toBe(`shell echo 'denied for ${REDACTED}...`);
    expect(m.mask(`${s.slice(0, 5)}… and more`)).toBe(`${REDACTED}… and more`);
    // Too short a piece to tell from ordinary text, and text that merely ends with "...".
    expect(m.mask(`x ${s.slice(0, 3)}...`)).toBe(`x ${s.slice(0, 3)}...`);
    expect(m.mask("waiting...")).toBe("waiting...");
  });
});

describe("a run's error message", () => {
  it("is masked: a secret that fails its role's schema is not printed in the error", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const { join } = await import("node:path");
    const { runCommand } = await import("../../src/cli/run-command.js");
    const { createTemplateRenderer } = await import("../../src/runner/templates.js");
    const dir = mkdtempSync(join(tmpdir(), "dcv-mask-err-"));
    const value = generateSecret({ length: 32, alphabet: "alnum" });
    try {
      const dsl = new URL("../../src/index.ts", import.meta.url).pathname;
      // A schema whose own message quotes the value: the worst case an author can write.
      writeFileSync(
        join(dir, "site.ts"),
        `import { play, role, secret, site, z } from "${dsl}";
const r = role({ name: "r", vars: z.object({ db_password: secret().refine(() => false, { error: (i) => "rejected " + String(i.input) }) }), async tasks() {} });
export default site({ inventory: ["hosts.yml"], plays: [play({ name: "p", hosts: "all", roles: [r] })] });
`,
      );
      writeFileSync(join(dir, "hosts.yml"), "all:\n  hosts:\n    h1: { ansible_host: 192.0.2.1 }\n");
      mkdirSync(join(dir, "group_vars"));
      writeFileSync(join(dir, "group_vars/all.yml"), `db_password: ${value}\n`);
      const err = await runCommand(join(dir, "site.ts"), { forks: 1, verbose: 0, profileTop: 1, typecheck: false }, createTemplateRenderer()).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(err?.message, err?.message).toContain(`db_password: rejected ${REDACTED}`);
      expect(`${err?.message}\n${err?.stack}`).not.toContain(value);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
