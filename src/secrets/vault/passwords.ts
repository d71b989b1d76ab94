import { spawn } from "node:child_process";
import { type FileHandle, open } from "node:fs/promises";
import { basename, extname } from "node:path";
import { SecretsError } from "../errors.js";
import { checkPasswordFileMode } from "../keyring.js";
import { VaultError } from "./errors.js";
import { isVaultText } from "./format.js";
import type { VaultIdentity } from "./identities.js";

/** A loaded vault password: the bytes ansible-core would use, and whence they came. */
export interface VaultSecret {
  readonly identity: VaultIdentity;
  readonly password: Buffer;
}

export interface PasswordLoaders {
  /** Asks on the terminal without echo; it refuses itself when there is none. */
  readonly prompt: (question: string) => Promise<string>;
  /** Opens a password file that is itself vault data, with the passwords loaded before it. */
  readonly decryptEarlier: (text: string, where: string) => Promise<Buffer>;
}

// Python's bytes.strip(): ASCII whitespace.
const stripWhitespace = (b: Buffer): Buffer => Buffer.from(b.toString("latin1").replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, ""), "latin1");
const stripNewlines = (b: Buffer): Buffer => Buffer.from(b.toString("latin1").replace(/^[\r\n]+|[\r\n]+$/g, ""), "latin1");

/** ansible-core tells a client script by its name: `NAME-client` or `NAME-client.EXT`. */
function isClientScript(path: string): boolean {
  return basename(path, extname(path)).endsWith("-client");
}

function nonEmpty(password: Buffer, identity: VaultIdentity, what: string): Buffer {
  if (password.length === 0) throw new VaultError(identity.given, `the vault password ${what} is empty`);
  return password;
}

/**
 * The password of one identity, as ansible-core reads it: a prompt's answer stripped; a file's
 * content stripped of whitespace (and opened with the earlier passwords if it is vault data
 * itself); an executable file is run and its standard output, stripped of line breaks, is the
 * password (a `*-client` script gets `--vault-id ID` when the id was named, and exit code 2
 * means it knows no such id). A plain file group or others can read is refused, as the
 * project's own password file is.
 */
export async function loadVaultPassword(identity: VaultIdentity, loaders: PasswordLoaders): Promise<Buffer> {
  const source = identity.source;
  if (source.kind === "prompt") return nonEmpty(stripWhitespace(Buffer.from(await loaders.prompt(source.question), "utf8")), identity, "typed");
  const path = source.path;
  let handle: FileHandle | undefined;
  let content: Buffer;
  try {
    handle = await open(path, "r");
    const stats = await handle.stat();
    if (stats.isFile() && (stats.mode & 0o111) !== 0) {
      await handle.close();
      handle = undefined;
      return await runPasswordScript(identity, path);
    }
    checkPasswordFileMode(path, stats);
    content = await handle.readFile();
  } catch (err) {
    // The mode check's own error names the file and the chmod that fixes it.
    if (err instanceof SecretsError) throw err;
    if (err instanceof Error && "code" in err && err.code === "ENOENT") throw new VaultError(identity.given, `the vault password file ${path} was not found`);
    throw new VaultError(identity.given, `cannot read the vault password file ${path}: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await handle?.close();
  }
  let password = stripWhitespace(content);
  if (isVaultText(password.toString("latin1"))) password = await loaders.decryptEarlier(password.toString("latin1"), path);
  return nonEmpty(stripNewlines(password), identity, `in ${path}`);
}

function runPasswordScript(identity: VaultIdentity, path: string): Promise<Buffer> {
  const client = isClientScript(path);
  const args = client && identity.named ? ["--vault-id", identity.id] : [];
  const what = client ? "vault password client script" : "vault password script";
  return new Promise((resolve, reject) => {
    // Standard input and, for a plain script, standard error stay the terminal's, as in
    // ansible-core: a script may ask its user something there.
    const child = spawn(path, args, { stdio: ["inherit", "pipe", client ? "pipe" : "inherit"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on("data", (b: Buffer) => out.push(b));
    child.stderr?.on("data", (b: Buffer) => err.push(b));
    child.on("error", (e) =>
      reject(new VaultError(identity.given, `cannot run the ${what} ${path} (${e.message}); if it is not a script, remove its executable bit`)),
    );
    child.on("close", (code, signal) => {
      const stderr = Buffer.concat(err).toString("utf8").trim();
      const said = stderr === "" ? "" : `: ${stderr}`;
      if (client && code === 2) return reject(new VaultError(identity.given, `the ${what} ${path} has no password for vault id '${identity.id}'${said}`));
      if (code !== 0) return reject(new VaultError(identity.given, `the ${what} ${path} failed (${signal ?? `exit code ${code}`})${said}`));
      try {
        resolve(nonEmpty(stripNewlines(Buffer.concat(out)), identity, `printed by ${path}`));
      } catch (e) {
        reject(e);
      }
    });
  });
}
