import { encryptText } from "../../../src/secrets/envelope.js";
import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";
import { appSite } from "./vars.js";

// Encrypted secrets files and their password: wrong, missing, world-readable; corrupt,
// truncated and hostile files (a header asking scrypt for gigabytes); a secret that must stay
// masked in -vvv output.

const PASSWORD = "correct horse battery staple";
const PLAIN = "app_name: demo\napp_password: s3cret-Vq7w-Xe2r-Lp9z\n";
const ENCRYPTED = await encryptText(PLAIN, PASSWORD);
const [HEADER = "", ...BODY] = ENCRYPTED.trimEnd().split("\n");

/** The encrypted file with another header line (the body as it was). */
const withHeader = (header: string) => `${header}\n${BODY.join("\n")}\n`;

/** One base64 character of the ciphertext changed: authentication must fail. */
const tampered = (() => {
  const body = [...BODY];
  const last = body.length - 1;
  const line = body[last] ?? "";
  body[last] = `${line.slice(0, -3)}${line.at(-3) === "A" ? "B" : "A"}${line.slice(-2)}`;
  return `${HEADER}\n${body.join("\n")}\n`;
})();

const secrets = (id: string, files: Record<string, string | { content: string; mode: number }>, argv: readonly string[], message: RegExp, more: Partial<AdversarialCase> = {}): AdversarialCase => ({
  id: `secrets/${id}`,
  kind: "config",
  files: { ...appSite({}), "pw": { content: `${PASSWORD}\n`, mode: 0o600 }, ...files },
  argv: ["site.ts", "--no-typecheck", ...argv],
  exit: 1,
  message,
  ...more,
});

const inGroupVars = (text: string) => ({ "group_vars/all.yml": text });

export const secretsCases: AdversarialCase[] = [
  secrets("wrong-password", { ...inGroupVars(ENCRYPTED), "wrong": { content: "not the password\n", mode: 0o600 } }, ["--password-file", "wrong"], /group_vars\/all\.yml.*(wrong password|cannot decrypt)/),
  secrets("no-password-given", inGroupVars(ENCRYPTED), [], /group_vars\/all\.yml.*password/),
  secrets("password-file-missing", inGroupVars(ENCRYPTED), ["--password-file", "nope-pw"], /nope-pw/),
  secrets("password-file-empty", { ...inGroupVars(ENCRYPTED), "empty-pw": { content: "", mode: 0o600 } }, ["--password-file", "empty-pw"], /empty-pw.*empty/),
  secrets("password-file-is-a-directory", { ...inGroupVars(ENCRYPTED), "pwdir/.keep": "" }, ["--password-file", "pwdir"], /pwdir/),
  secrets("password-file-world-readable", { ...inGroupVars(ENCRYPTED), "open-pw": { content: `${PASSWORD}\n`, mode: 0o644 } }, ["--password-file", "open-pw"], /open-pw.*(mode|0644|permission|readable)/),
  secrets("password-file-env-world-readable", { ...inGroupVars(ENCRYPTED), "open-pw": { content: `${PASSWORD}\n`, mode: 0o644 } }, [], /open-pw.*(mode|0644|permission|readable)/, { env: { DO_CONVERGE_PASSWORD_FILE: "@@DIR@@/open-pw" } }),
  secrets("tampered-ciphertext", inGroupVars(tampered), ["--password-file", "pw"], /group_vars\/all\.yml.*(altered|cannot decrypt)/),
  secrets("header-only", inGroupVars(`${HEADER}\n`), ["--password-file", "pw"], /group_vars\/all\.yml.*truncated/),
  secrets("truncated-body", inGroupVars(`${HEADER}\n${(BODY[0] ?? "").slice(0, 20)}\n`), ["--password-file", "pw"], /group_vars\/all\.yml.*(truncated|cannot decrypt)/),
  secrets("cut-in-half", inGroupVars(ENCRYPTED.slice(0, Math.floor(ENCRYPTED.length / 2))), ["--password-file", "pw"], /group_vars\/all\.yml/),
  secrets("unknown-format-version", inGroupVars(withHeader(HEADER.replace(";1;", ";2;"))), ["--password-file", "pw"], /group_vars\/all\.yml.*header/),
  secrets("header-changed-params", inGroupVars(withHeader(HEADER.replace("N=32768", "N=16384"))), ["--password-file", "pw"], /group_vars\/all\.yml.*(altered|cannot decrypt)/),
  secrets("kdf-n-not-power-of-two", inGroupVars(withHeader(HEADER.replace("N=32768", "N=30000"))), ["--password-file", "pw"], /group_vars\/all\.yml.*scrypt/),
  secrets("kdf-n-huge-number", inGroupVars(withHeader(HEADER.replace("N=32768", `N=${"9".repeat(400)}`))), ["--password-file", "pw"], /group_vars\/all\.yml.*scrypt/, { hostile: true }),
  secrets("kdf-max-everything", inGroupVars(withHeader(HEADER.replace("N=32768,r=8,p=1", "N=1048576,r=32,p=16"))), ["--password-file", "pw"], /group_vars\/all\.yml.*scrypt/, { hostile: true }),
  secrets("kdf-gigabyte-memory", inGroupVars(withHeader(HEADER.replace("N=32768,r=8,p=1", "N=1048576,r=8,p=16"))), ["--password-file", "pw"], /group_vars\/all\.yml.*scrypt/, { hostile: true }),
  secrets("decrypted-not-yaml", inGroupVars(await encryptText("app_name: [demo\n", PASSWORD)), ["--password-file", "pw"], /group_vars\/all\.yml:\d+/),
  secrets("decrypted-a-list", inGroupVars(await encryptText("- demo\n", PASSWORD)), ["--password-file", "pw"], /group_vars\/all\.yml/),
  secrets("extra-vars-file-wrong-password", { "group_vars/all.yml": "app_name: demo\n", "rot.yml": ENCRYPTED, "wrong": { content: "nope nope\n", mode: 0o600 } }, ["--password-file", "wrong", "-e", "@rot.yml"], /rot\.yml.*(wrong password|cannot decrypt)/),
  secrets("extra-vars-file-no-password", { "group_vars/all.yml": "app_name: demo\n", "rot.yml": ENCRYPTED }, ["-e", "@rot.yml"], /rot\.yml.*password/),
  {
    id: "secrets/quote-in-secret-masked-in-vvv",
    kind: "task",
    files: {
      ...localSite({ tasks: 'await h.command({ argv: ["true", String(h.vars.db_password)] }, { changedWhen: false });' }),
      "group_vars/all.yml": await encryptText("db_password: \"pa'ss-Zq8x-wY3v-kT9r\"\n", PASSWORD),
      "pw": { content: `${PASSWORD}\n`, mode: 0o600 },
    },
    argv: ["site.ts", "--no-typecheck", "-vvv", "--password-file", "pw"],
    exit: 0,
    message: /ok: \[localhost\]/,
    absent: /Zq8x|wY3v|kT9r/,
  },
];
