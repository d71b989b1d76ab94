import type { AdversarialCase } from "../case.js";
import { localSite } from "../harness/site-source.js";

// Dynamic inventories: a DigitalOcean API that answers badly (the real fake in test/fake-do for
// a wrong token or a droplet without an address, a scripted loopback server for broken JSON,
// errors, wrong shapes, silence) and Terraform states that are truncated or of the wrong shape.

const TOKEN_ENV = { DIGITALOCEAN_TOKEN: "@@DO_TOKEN@@" };

const doInv = (id: string, yaml: string, message: RegExp, more: Partial<AdversarialCase> = {}): AdversarialCase => ({
  id: `digitalocean/${id}`,
  kind: "config",
  files: { ...localSite(), "do.yml": `plugin: digitalocean\n${yaml}` },
  argv: ["site.ts", "--no-typecheck", "-i", "do.yml"],
  env: TOKEN_ENV,
  exit: 1,
  message,
  ...more,
});

/** The scripted server's answer named `answer`, without retries. */
const scripted = (answer: string, extra = "") => `api_url: "@@RAW_URL@@/${answer}"\nretries: 0\ntimeout: 3\n${extra}`;

export const digitalOceanCases: AdversarialCase[] = [
  doInv("broken-json", scripted("bad-json"), /do\.yml/),
  doInv("unauthorized-scripted", scripted("unauthorized"), /do\.yml.*401/),
  doInv("unauthorized-real-fake", 'api_url: "@@DO_URL@@"\n', /do\.yml.*401/, { env: { DIGITALOCEAN_TOKEN: "dop_v1_wrong" } }),
  doInv("server-error", scripted("server-error"), /do\.yml.*500/),
  doInv("droplets-not-a-list", scripted("wrong-schema"), /do\.yml.*droplets:/),
  doInv("droplet-fields-wrong-types", scripted("droplet-schema"), /do\.yml.*droplets\.0/),
  doInv("html-instead-of-json", scripted("html"), /do\.yml/),
  doInv("never-answers", `api_url: "@@RAW_URL@@/silent"\nretries: 0\ntimeout: 1\n`, /do\.yml.*(time|timed)/i, { hostile: true }),
  doInv("endless-pagination", scripted("endless-pages"), /do\.yml.*(page|pagination|loop)/i, { hostile: true }),
  doInv("huge-answer", scripted("huge"), /do\.yml/, { hostile: true }),
  doInv("duplicate-droplet-names", scripted("twins"), /twin/),
  doInv("hostile-droplet-names", scripted("hostile-name"), /do\.yml.*(web1;touch MARK|\.\.\/\.\.\/etc)/),
  doInv("no-token", 'api_url: "@@DO_URL@@"\n', /DIGITALOCEAN_TOKEN/, { env: {} }),
  doInv("token-in-inventory", 'api_url: "@@DO_URL@@"\ntoken: dop_v1_abc\n', /do\.yml:3.*token/),
  doInv("token-file-world-readable", 'api_url: "@@DO_URL@@"\ntoken_file: tok\n', /tok.*(mode|0644|permission|readable)/, {
    env: {},
    files: { ...localSite(), "do.yml": 'plugin: digitalocean\napi_url: "@@DO_URL@@"\ntoken_file: tok\n', tok: { content: "@@DO_TOKEN@@\n", mode: 0o644 } },
  }),
  doInv("token-file-missing", 'api_url: "@@DO_URL@@"\ntoken_file: nope-token\n', /nope-token/, { env: {} }),
  doInv("unknown-key", 'api_url: "@@DO_URL@@"\ntagz: [web]\n', /do\.yml:\d+.*tagz/),
  doInv("bad-tag-name", 'api_url: "@@DO_URL@@"\ntags: ["web servers"]\n', /do\.yml:\d+.*tags/),
  doInv("tags-not-a-list", 'api_url: "@@DO_URL@@"\ntags: web\n', /do\.yml:\d+.*tags/),
  doInv("api-url-not-a-url", 'api_url: "not a url"\n', /api_url/),
  doInv("api-url-file-scheme", 'api_url: "file:///etc/passwd"\n', /api_url/),
  doInv("api-url-with-credentials", 'api_url: "http://user:pw@127.0.0.1:1/"\n', /api_url/),
  doInv("retries-too-many", 'api_url: "@@DO_URL@@"\nretries: 99\n', /do\.yml:\d+.*retries/),
  doInv("timeout-negative", 'api_url: "@@DO_URL@@"\ntimeout: -1\n', /do\.yml:\d+.*timeout/),
  doInv("host-address-unknown", 'api_url: "@@DO_URL@@"\nhost_address: vpn\n', /do\.yml:\d+.*host_address/),
  doInv("droplet-without-public-address", 'api_url: "@@DO_URL@@"\ntags: [dark]\nhost_address: public\n', /dark/),
  doInv("bad-yaml", 'api_url: "@@DO_URL@@\ntags: [web\n', /do\.yml:\d+/),
];

const tf = (id: string, text: string, message: RegExp, name = "state.tfstate"): AdversarialCase => ({
  id: `terraform/${id}`,
  kind: "config",
  files: { ...localSite(), [name]: text },
  argv: ["site.ts", "--no-typecheck", "-i", name],
  exit: 1,
  message,
});

/** A version-4 state with the given resources (JSON text). */
const state = (resources: string, version = "4") => `{\n  "version": ${version},\n  "terraform_version": "1.9.8",\n  "serial": 1,\n  "resources": ${resources}\n}\n`;
const droplet = (attributes: string, name = "web") =>
  `[{ "mode": "managed", "type": "digitalocean_droplet", "name": "${name}", "instances": [{ "schema_version": 1, "attributes": ${attributes} }] }]`;

export const terraformCases: AdversarialCase[] = [
  tf("truncated", state(droplet('{ "id": "301", "name": "web1" }')).slice(0, 120), /state\.tfstate/),
  tf("empty-file", "", /state\.tfstate/),
  tf("not-json", "version = 4\nresources = []\n", /state\.tfstate/),
  tf("version-3", state("[]", "3"), /state\.tfstate:\d+.*version/),
  tf("version-as-string", state("[]", '"4"'), /state\.tfstate:\d+.*version/),
  tf("resources-not-a-list", state('{ "web": 1 }'), /state\.tfstate:\d+.*resources/),
  tf("instances-missing", state('[{ "mode": "managed", "type": "digitalocean_droplet", "name": "web" }]'), /state\.tfstate:\d+.*instances/),
  tf("droplet-id-not-digits", state(droplet('{ "id": "web-1", "name": "web1" }')), /state\.tfstate:\d+.*id/),
  tf("droplet-name-a-number", state(droplet('{ "id": "301", "name": 7 }')), /state\.tfstate:\d+.*name/),
  tf("droplet-tags-a-string", state(droplet('{ "id": "301", "name": "web1", "tags": "web" }')), /state\.tfstate:\d+.*tags/),
  tf("droplet-name-injection", state(droplet('{ "id": "301", "name": "web1;touch MARK", "ipv4_address": "192.0.2.7" }')), /state\.tfstate.*web1;touch MARK/),
  tf(
    "reserved-ip-not-a-string",
    state('[{ "mode": "managed", "type": "digitalocean_reserved_ip", "name": "lb_ip", "instances": [{ "attributes": { "ip_address": 42 } }] }]'),
    /state\.tfstate:\d+.*ip_address/,
  ),
  tf("json-but-no-version", '{ "terraform_version": "1.9.8", "resources": [] }\n', /state\.json.*version/, "state.json"),
];
