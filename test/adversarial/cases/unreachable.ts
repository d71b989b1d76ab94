import { generateKeyPairSync } from "node:crypto";
import type { AdversarialCase } from "../case.js";
import { siteSource } from "../harness/site-source.js";

// Hosts that cannot be reached: the run says which host and why, once, exits 4, and nothing ran.

/** A throwaway client key, so that the SSH transport gets as far as connecting. */
const KEY = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs1", format: "pem" }, publicKeyEncoding: { type: "pkcs1", format: "pem" } }).privateKey;

const unreachable = (id: string, hostVars: string, message: RegExp, once: RegExp): AdversarialCase => ({
  id: `unreachable/${id}`,
  kind: "unreachable",
  files: {
    "site.ts": siteSource(),
    "hosts.yml": `all:\n  hosts:\n    h1: { ${hostVars}, ansible_ssh_private_key_file: "@@DIR@@/id_rsa" }\n`,
    "id_rsa": { content: KEY, mode: 0o600 },
  },
  argv: ["site.ts", "--no-typecheck"],
  exit: 4,
  message,
  once,
});

export const unreachableCases: AdversarialCase[] = [
  unreachable("connection-refused", "ansible_host: 127.0.0.1, ansible_port: 1", /h1.*127\.0\.0\.1.*1/, /ECONNREFUSED|refused/i),
  unreachable("unknown-host-name", "ansible_host: no-such-host.invalid", /h1.*no-such-host\.invalid/, /ENOTFOUND|EAI_AGAIN|not known|not found|temporary failure/i),
  {
    id: "unreachable/no-key-at-all",
    kind: "unreachable",
    files: { "site.ts": siteSource(), "hosts.yml": "all:\n  hosts:\n    h1: { ansible_host: 127.0.0.1, ansible_port: 1 }\n" },
    argv: ["site.ts", "--no-typecheck"],
    exit: 4,
    message: /h1.*(key|identity)/,
    once: /no usable SSH key/,
  },
];
