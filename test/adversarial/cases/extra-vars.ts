import type { AdversarialCase } from "../case.js";
import { appSite } from "./vars.js";

// -e in every form ansible-playbook takes: key=value, inline JSON/YAML, @file; each wrong.

const extra = (id: string, e: readonly string[], message: RegExp, files: Record<string, string | Buffer> = {}): AdversarialCase => ({
  id: `extra-vars/${id}`,
  kind: "config",
  files: appSite({ "group_vars/all.yml": "app_name: demo\n", ...files }),
  argv: ["site.ts", "--no-typecheck", ...e.flatMap((v) => ["-e", v])],
  exit: 1,
  message,
});

export const extraVarsCases: AdversarialCase[] = [
  extra("not-key-value", ["app_port"], /--extra-vars.*app_port/),
  extra("empty-key", ["=80"], /--extra-vars.*=80/),
  extra("second-pair-bad", ["app_port=80 oops"], /--extra-vars.*oops/),
  extra("inline-json-unclosed", ['{"app_port": 80'], /--extra-vars/),
  extra("inline-json-list", ['{"app_port": [80}'], /--extra-vars/),
  extra("inline-yaml-not-mapping", ["[1, 2, 3]"], /--extra-vars/),
  extra("inline-duplicate-key", ['{"app_port": 80, "app_port": 81}'], /--extra-vars.*app_port|--extra-vars.*unique/),
  extra("at-alone", ["@"], /--extra-vars/),
  extra("at-missing-file", ["@nope.yml"], /nope\.yml/),
  extra("at-directory", ["@somedir"], /somedir/, { "somedir/.keep": "" }),
  extra("at-file-list", ["@extra.yml"], /extra\.yml/, { "extra.yml": "- app_port\n- 80\n" }),
  extra("at-file-bad-yaml", ["@extra.yml"], /extra\.yml:\d+/, { "extra.yml": "app_mode: dev\napp_port: [80\n" }),
  extra("at-file-bad-json", ["@extra.json"], /extra\.json:\d+/, { "extra.json": '{"app_port": [80}\n' }),
  extra("at-file-fails-schema", ["@extra.yml"], /app_port.*(extra\.yml|--extra-vars)/, { "extra.yml": "app_port: http\n" }),
  extra("value-fails-schema", ["app_port=http"], /app_port.*--extra-vars/),
  extra("json-value-fails-schema", ['{"app_workers": -3}'], /app_workers.*--extra-vars/),
  { ...extra("connection-port-word", ["ansible_port=ssh"], /ansible_port.*--extra-vars|--extra-vars.*ansible_port/), once: /\bansible_port\b/ },
  { ...extra("connection-unsupported", ["ansible_connection=telnet"], /ansible_connection/), once: /\bansible_connection\b/ },
  extra("at-file-nul-byte", ["@extra.yml"], /extra\.yml/, { "extra.yml": Buffer.concat([Buffer.from('motd: "a'), Buffer.from([0]), Buffer.from('b"\n')]) }),
  extra("at-file-invalid-utf8", ["@extra.yml"], /extra\.yml/, { "extra.yml": Buffer.concat([Buffer.from("motd: caf"), Buffer.from([0xe9]), Buffer.from("\n")]) }),
];
