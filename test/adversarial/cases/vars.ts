import type { AdversarialCase } from "../case.js";
import type { ScratchEntry } from "../harness/scratch.js";
import { localSite } from "../harness/site-source.js";

// group_vars/ and host_vars/ beside the site: bad YAML, wrong shapes, values failing a role's
// zod schema (with the file and line that set them), bytes that are not text.

/** A role whose schema the variables must satisfy; every key has a default but one. */
export const APP_ROLE = `const app = role({
  name: "app",
  vars: z.object({
    app_port: z.number().int().min(1).max(65535).default(8080),
    app_mode: z.enum(["prod", "dev"]).default("prod"),
    app_workers: z.number().int().positive().default(2),
    app_users: z.array(z.string()).default([]),
    app_limits: z.object({ memory_mb: z.number() }).default({ memory_mb: 512 }),
    app_password: secret().default("default-password-1234"),
    app_name: z.string(),
  }),
  async tasks() {},
});`;

/** The site with the app role after the sentinel. */
export const appSite = (more: Record<string, ScratchEntry>): Record<string, ScratchEntry> => ({ ...localSite({ preamble: APP_ROLE, roles: ["app"] }), ...more });

const vars = (id: string, files: Record<string, ScratchEntry>, message: RegExp): AdversarialCase => ({
  id: `vars/${id}`,
  kind: "config",
  files: appSite(files),
  argv: ["site.ts", "--no-typecheck"],
  exit: 1,
  message,
});

const NAME = "app_name: demo\n";

/** group_vars/all.yml holding app_name plus the bad line (line 2). */
const schema = (id: string, line: string, key: string): AdversarialCase =>
  vars(id, { "group_vars/all.yml": `${NAME}${line}\n` }, new RegExp(`${key}.*group_vars/all\\.yml:2`));

export const varsCases: AdversarialCase[] = [
  vars("group-vars-bad-yaml", { "group_vars/all.yml": `${NAME}app_users: [a, b\n` }, /group_vars\/all\.yml:\d+/),
  vars("host-vars-bad-yaml", { "group_vars/all.yml": NAME, "host_vars/localhost.yml": "app_port: : 80\n" }, /host_vars\/localhost\.yml:1/),
  vars("group-vars-list", { "group_vars/all.yml": "- app_name\n- demo\n" }, /group_vars\/all\.yml/),
  vars("group-vars-scalar", { "group_vars/all.yml": "app_name demo\n" }, /group_vars\/all\.yml/),
  vars("group-vars-duplicate-key", { "group_vars/all.yml": `${NAME}app_port: 80\napp_port: 81\n` }, /group_vars\/all\.yml:3/),
  vars("group-vars-two-files-one-group", { "group_vars/all.yml": NAME, "group_vars/all.yaml": NAME }, /group_vars\/all\.ya?ml/),
  vars("group-vars-vault-value", { "group_vars/all.yml": `${NAME}app_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\n` }, /group_vars\/all\.yml:2/),
  vars("group-vars-ansible-vault-file", { "group_vars/all.yml": "$ANSIBLE_VAULT;1.1;AES256\n61626364\n" }, /group_vars\/all\.yml/),
  vars("group-vars-complex-key", { "group_vars/all.yml": `${NAME}? [a, b]\n: 1\n` }, /group_vars\/all\.yml:2/),
  vars("group-vars-dangling-symlink", { "group_vars/all.yml": { symlink: "/nonexistent/adversarial/vars.yml" } }, /group_vars\/all\.yml/),
  vars("group-vars-file-in-folder-bad", { "group_vars/all/10-main.yml": NAME, "group_vars/all/20-bad.yml": "app_port: [\n" }, /group_vars\/all\/20-bad\.yml:\d+/),
  vars("missing-required-variable", {}, /app_name/),
  schema("port-not-a-number", "app_port: eighty", "app_port"),
  schema("port-out-of-range", "app_port: 70000", "app_port"),
  schema("port-float", "app_port: 80.5", "app_port"),
  schema("mode-not-in-enum", "app_mode: staging", "app_mode"),
  schema("workers-zero", "app_workers: 0", "app_workers"),
  schema("users-not-a-list", "app_users: alice", "app_users"),
  schema("users-list-of-numbers", "app_users: [1, 2]", "app_users"),
  schema("limits-not-a-mapping", "app_limits: 512", "app_limits"),
  schema("limits-wrong-inner-type", "app_limits: { memory_mb: lots }", "app_limits"),
  schema("secret-too-short", "app_password: short", "app_password"),
  schema("port-is-null", "app_port: ~", "app_port"),
  vars(
    "host-vars-override-fails-schema",
    { "group_vars/all.yml": NAME, "host_vars/localhost.yml": "app_port: '80'\n" },
    /app_port.*host_vars\/localhost\.yml:1/,
  ),
  vars("nul-byte-in-value", { "group_vars/all.yml": Buffer.concat([Buffer.from(`${NAME}motd: "hello`), Buffer.from([0]), Buffer.from('world"\n')]) }, /group_vars\/all\.yml/),
  vars("raw-nul-bytes", { "group_vars/all.yml": Buffer.concat([Buffer.from(NAME), Buffer.from([0, 0, 0, 0]), Buffer.from("\n")]) }, /group_vars\/all\.yml:2/),
  vars("invalid-utf8-value", { "group_vars/all.yml": Buffer.concat([Buffer.from(`${NAME}motd: caf`), Buffer.from([0xe9]), Buffer.from("\n")]) }, /group_vars\/all\.yml/),
  vars("invalid-utf8-key", { "group_vars/all.yml": Buffer.concat([Buffer.from(NAME), Buffer.from([0xc3, 0x28]), Buffer.from(": 1\n")]) }, /group_vars\/all\.yml/),
  vars("utf16-file", { "group_vars/all.yml": Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(NAME, "utf16le")]) }, /group_vars\/all\.yml/),
];
