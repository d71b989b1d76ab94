import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { ansibleEnv } from "../../ansible-core/env.js";

// The installed ansible-core (Debian's, /usr/bin) makes the vault data these tests read, and its
// `ansible` command shows the variables the differential test compares with: nothing here is
// encrypted by do-converge's own code, so a shared misreading of the format cannot pass.

const exec = promisify(execFile);


/** Runs an ansible command in `dir`; a failure carries its output. */
export async function ansible(dir: string, command: string, args: readonly string[], extraEnv: Record<string, string> = {}): Promise<string> {
  try {
    const { stdout } = await exec(command, [...args], { cwd: dir, env: ansibleEnv(join(dir, ".ansible-home"), { extra: extraEnv }), maxBuffer: 16 << 20 });
    return stdout;
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    if (err.code === "ENOENT") throw new Error(`${command} is not installed: these tests need Debian's ansible-core (npm test installs it: npm run lab -- prereqs --ansible)`);
    throw new Error(`${command} ${args.join(" ")} failed: ${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
}

/** `ansible-vault encrypt` of files in place; `ids` are the vault arguments (`--vault-id prod@pw` or `--vault-password-file pw`). */
export async function vaultEncrypt(dir: string, files: readonly string[], ids: readonly string[]): Promise<void> {
  await ansible(dir, "ansible-vault", ["encrypt", ...ids, ...files]);
}

/** `ansible-vault encrypt_string`: the YAML lines `name: !vault |` and the vault text, for each pair. */
export async function vaultEncryptString(dir: string, pairs: ReadonlyArray<readonly [string, string]>, ids: readonly string[]): Promise<string> {
  // One call: encrypt_string pairs its --name options with the values by position.
  const names = pairs.flatMap(([name]) => ["--name", name]);
  return ansible(dir, "ansible-vault", ["encrypt_string", ...ids, ...names, "--", ...pairs.map(([, value]) => value)]);
}

/** Writes a password file (mode 0600, as do-converge requires of a plain password file). */
export function passwordFile(dir: string, name: string, password: string): string {
  const file = join(dir, name);
  writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return file;
}
