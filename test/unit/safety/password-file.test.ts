import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSpec } from "../../../src/schedule/build-spec.js";
import { encryptText } from "../../../src/secrets/envelope.js";
import { SecretsError } from "../../../src/secrets/errors.js";
import { SecretsKeyring } from "../../../src/secrets/keyring.js";
import { LOCAL_INVENTORY, STACK_TRACE, cli, scratchDir, siteSource } from "./cli-helpers.js";

const dir = scratchDir("password-file");
const PASSWORD = "correct horse battery staple";
// Cheap scrypt parameters: the password's file is the point here, not the key's cost.
const sealed = await encryptText("db_password: hunter2-but-longer\n", PASSWORD, { N: 1024, r: 8, p: 1 });

function passwordFile(name: string, mode: number): string {
  const file = join(dir, name);
  writeFileSync(file, `${PASSWORD}\n`, { mode });
  execFileSync("chmod", [mode.toString(8), file]);
  return file;
}

describe("a password file that group or others can read", () => {
  it("is refused, naming the file, its mode and the chmod 600 that fixes it; 0600 and 0400 are fine", async () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      const file = passwordFile(`pw-${mode.toString(8)}`, mode);
      const err = await new SecretsKeyring({ passwordFile: file }).decrypt(sealed, "secrets.yml").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(SecretsError);
      expect((err as Error).message).toBe(
        `${file}: the password file is accessible by group or others (mode 0${mode.toString(8)}); refusing to use it: run chmod 600 ${file}`,
      );
    }
    for (const mode of [0o600, 0o400]) {
      const file = passwordFile(`pw-ok-${mode.toString(8)}`, mode);
      expect(await new SecretsKeyring({ passwordFile: file }).decrypt(sealed, "secrets.yml")).toBe("db_password: hunter2-but-longer\n");
    }
  });

  it("is refused when it comes from DO_CONVERGE_PASSWORD_FILE too, and by schedule install", async () => {
    const file = passwordFile("pw-env", 0o644);
    await expect(new SecretsKeyring({ env: { DO_CONVERGE_PASSWORD_FILE: file } }).decrypt(sealed, "secrets.yml")).rejects.toThrow(`run chmod 600 ${file}`);
    writeFileSync(join(dir, "site.ts"), "");
    expect(() => buildSpec(join(dir, "site.ts"), { every: "1h", keepReports: 3, passwordFile: file }, "cron")).toThrow(`run chmod 600 ${file}`);
  });

  it("a pipe is read whatever its mode: `--password-file <(pass show site)` keeps working", async () => {
    const fifo = join(dir, "pw-fifo");
    execFileSync("mkfifo", ["-m", "644", fifo]);
    const writer = spawn("sh", ["-c", `printf '%s\\n' "$PW" > "$FIFO"`], { env: { ...process.env, PW: PASSWORD, FIFO: fifo }, stdio: "ignore" });
    const written = new Promise((r) => writer.on("close", r));
    expect(await new SecretsKeyring({ passwordFile: fifo }).decrypt(sealed, "secrets.yml")).toBe("db_password: hunter2-but-longer\n");
    expect(await written).toBe(0);
  });

  it("through the CLI: exit 1, one line, nothing run", async () => {
    const site = join(dir, "site");
    mkdirSync(join(site, "group_vars"), { recursive: true });
    writeFileSync(join(site, "hosts.yml"), LOCAL_INVENTORY);
    writeFileSync(join(site, "group_vars/all.yml"), sealed);
    writeFileSync(join(site, "site.ts"), siteSource(`await h.file({ path: ${JSON.stringify(join(site, "ran"))}, state: "touch" });`));
    const file = passwordFile("pw-cli", 0o644);
    const r = await cli(site, ["site.ts", "-i", "hosts.yml", "--no-typecheck", "--password-file", file]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(r.stderr).toBe(`ERROR: ${file}: the password file is accessible by group or others (mode 0644); refusing to use it: run chmod 600 ${file}\n`);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(site, "ran"))).toBe(false);
  }, 60_000);
});
