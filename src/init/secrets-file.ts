import { stringify } from "yaml";
import { fillSecrets, siteSecretSlots } from "../secrets/generate.js";
import type { SecretsKeyring } from "../secrets/keyring.js";
import type { Site } from "../site/dsl.js";

const HEADER = `# Secrets of this site, made by \`do-converge init\`; edit with \`do-converge secrets edit\`,
# add what new roles need with \`do-converge secrets generate\`. Values here are never replaced.
`;

export interface SecretsFile {
  /** The encrypted file's content (the envelope), ready to write with mode 0600. */
  readonly sealed: string;
  /** Variable names in the file, for the operator (never values). */
  readonly names: string[];
  /** Secrets the site's roles declare that only their issuer can make and init does not know. */
  readonly unset: string[];
}

/**
 * inventory/group_vars/all/secrets.yml: do_api_token (the token keepalived moves the Reserved IP
 * with) and a fresh value for every secret the site's roles generate, encrypted with the keyring.
 */
export async function secretsFile(file: string, doApiToken: string, site: Site | undefined, keyring: SecretsKeyring): Promise<SecretsFile> {
  const { values, added, unset } = fillSecrets(file, { do_api_token: doApiToken }, site === undefined ? [] : siteSecretSlots(site));
  const sealed = await keyring.encrypt(HEADER + stringify(values), file);
  return { sealed, names: ["do_api_token", ...added], unset };
}
