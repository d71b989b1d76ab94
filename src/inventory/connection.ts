import { z } from "zod";
import { ansibleBoolean } from "./booleans.js";
import { ConnectionVarError } from "./errors.js";
import type { ResolvedVars } from "./precedence.js";

/** How to reach and act on one host, taken from its `ansible_*` connection variables. */
export const ConnectionSpecSchema = z.object({
  /** the inventory name (inventory_hostname), for messages */
  name: z.string().min(1),
  /** ansible_host: the address to connect to; the inventory name when unset */
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535),
  user: z.string().min(1).optional(),
  privateKeyFile: z.string().min(1).optional(),
  connection: z.enum(["ssh", "local"]),
  become: z.boolean(),
  becomeUser: z.string().min(1),
  becomeMethod: z.literal("sudo"),
  becomePassword: z.string().optional(),
});
export type ConnectionSpec = z.infer<typeof ConnectionSpecSchema>;

/** Renders a `{{ ... }}` value with the host's variables; the template engine lives elsewhere. */
export type RenderTemplate = (template: string, variable: string) => string;

// Numbers are accepted where Ansible would stringify them (an unquoted numeric password or user).
const text = z.unknown().transform((v, ctx) => {
  if (typeof v === "number") return String(v);
  if (typeof v === "string" && v !== "") return v;
  ctx.addIssue({ code: "custom", message: `must be a non-empty string, found ${JSON.stringify(v)}` });
  return "";
});
// Ansible converts a numeric string ("2222", common from INI-style habits) to an int.
const port = z.unknown().transform((v, ctx) => {
  const n = typeof v === "number" ? v : typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : Number.NaN;
  if (Number.isInteger(n) && n >= 1 && n <= 65535) return n;
  ctx.addIssue({ code: "custom", message: `must be a port number (1-65535), found ${JSON.stringify(v)}` });
  return 0;
});
const bool = z.unknown().transform((v, ctx) => {
  const b = ansibleBoolean(v);
  if (b === undefined) {
    ctx.addIssue({ code: "custom", message: `must be a boolean (true/false, yes/no, on/off, 1/0), found ${JSON.stringify(v)}` });
  }
  return b ?? false;
});
const connection = z
  .string()
  .transform((v) => (v === "smart" ? "ssh" : v)) // Ansible's historical default, which means ssh
  .pipe(z.enum(["ssh", "local"], { error: (i) => `only ssh and local connections are supported, found ${JSON.stringify(i.input)}` }));
const becomeMethod = z.literal("sudo", {
  error: (i) => `only sudo is supported as become method, found ${JSON.stringify(i.input)}`,
});

/** The variables each setting reads, the canonical one first, then Ansible's older aliases. */
const SETTING_VARS = {
  host: ["ansible_host", "ansible_ssh_host"],
  port: ["ansible_port", "ansible_ssh_port"],
  user: ["ansible_user", "ansible_ssh_user"],
  privateKeyFile: ["ansible_ssh_private_key_file", "ansible_private_key_file"],
  connection: ["ansible_connection"],
  become: ["ansible_become"],
  becomeUser: ["ansible_become_user"],
  becomeMethod: ["ansible_become_method"],
  becomePassword: ["ansible_become_password", "ansible_become_pass"],
} as const;

/** Every variable connectionSpec reads: a caller need only give these (a host may have 200k others). */
export const CONNECTION_VARIABLES: readonly string[] = Object.values(SETTING_VARS).flat();

/**
 * Builds a host's ConnectionSpec from its resolved variables. Each setting reads the canonical
 * variable first, then Ansible's older alias (ansible_ssh_host, ansible_ssh_port, ...). A value
 * of the wrong type fails with the host, the variable and where it was set.
 */
export function connectionSpec(name: string, resolved: ResolvedVars, render?: RenderTemplate): ConnectionSpec {
  const read = <T>(variables: readonly string[], schema: z.ZodType<T>): T | undefined => {
    const variable = variables.find((v) => v in resolved.values && resolved.values[v] !== null);
    if (variable === undefined) return undefined;
    const provenance = resolved.provenance[variable];
    let value = resolved.values[variable];
    if (typeof value === "string" && /\{\{|\{%/.test(value)) {
      if (render === undefined) {
        throw new ConnectionVarError(name, variable, provenance, "is a template; render variables before building the connection");
      }
      value = render(value, variable);
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw new ConnectionVarError(name, variable, provenance, parsed.error.issues.map((i) => i.message).join("; "));
    }
    return parsed.data;
  };

  const user = read(SETTING_VARS.user, text);
  const privateKeyFile = read(SETTING_VARS.privateKeyFile, text);
  const becomePassword = read(SETTING_VARS.becomePassword, text);
  // Parsed once more so the result is guaranteed to fit the schema the transport relies on.
  return ConnectionSpecSchema.parse({
    name,
    host: read(SETTING_VARS.host, text) ?? name,
    port: read(SETTING_VARS.port, port) ?? 22,
    ...(user === undefined ? {} : { user }),
    ...(privateKeyFile === undefined ? {} : { privateKeyFile }),
    connection: read(SETTING_VARS.connection, connection) ?? "ssh",
    become: read(SETTING_VARS.become, bool) ?? false,
    becomeUser: read(SETTING_VARS.becomeUser, text) ?? "root",
    becomeMethod: read(SETTING_VARS.becomeMethod, becomeMethod) ?? "sudo",
    ...(becomePassword === undefined ? {} : { becomePassword }),
  });
}
