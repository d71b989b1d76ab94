import { existsSync, readFileSync } from "node:fs";
import { run } from "./exec.js";

/** The lab's SSH key pair (ed25519, no passphrase): its public half goes into every host. */
export async function ensureLabKey(keyFile: string): Promise<string> {
  if (!existsSync(keyFile) || !existsSync(`${keyFile}.pub`)) {
    await run("rm", ["-f", keyFile, `${keyFile}.pub`]);
    await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "do-converge-lab", "-f", keyFile]);
  }
  return readFileSync(`${keyFile}.pub`, "utf8").trim();
}
