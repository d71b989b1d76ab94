import { z } from "zod";
import { type ModuleName, modules } from "../modules/registry.js";

// Which of our modules runs an Ansible module, and under which argument names: Ansible's names,
// FQCNs and aliases on one side, each module's zod schema (its argument names) on the other.

/** Ansible module (short name) → ours, where the name differs or an alias stands for it. */
const ALIASES: Readonly<Record<string, ModuleName>> = {
  service: "systemd",
  systemd_service: "systemd",
  package: "apt",
  apt_key: "apt_signing_key",
  user: "user",
  group: "group",
};

/** Ansible's argument aliases, per module of ours: Ansible name → our name. */
const ARG_ALIASES: Readonly<Partial<Record<ModuleName, Readonly<Record<string, string>>>>> = {
  file: { dest: "path", name: "path" },
  lineinfile: { dest: "path", destfile: "path", name: "path", regex: "regexp" },
  blockinfile: { dest: "path", destfile: "path", name: "path", content: "block" },
  apt: { pkg: "name", package: "name", "update-cache": "update_cache", "install-recommends": "install_recommends", "default-release": "default_release" },
  systemd: { service: "name", unit: "name", "daemon-reload": "daemon_reload" },
  user: { createhome: "create_home" },
  stat: { dest: "path", name: "path" },
  template: {},
  copy: {},
  get_url: { sha256sum: "checksum" },
  mysql_user: { user: "name" },
  mysql_db: { db: "name" },
  postgresql_db: { db: "name", login_port: "port", ssl_rootcert: "ca_cert" },
  postgresql_privs: { db: "database", login_db: "database", priv: "privs", obj: "objs", role: "roles", admin_option: "grant_option", login_port: "port", ssl_rootcert: "ca_cert" },
  postgresql_user: { user: "name", login_db: "db", fail_on_role: "fail_on_user", login_port: "port", ssl_rootcert: "ca_cert" },
  mysql_replication: {
    master_host: "primary_host",
    master_user: "primary_user",
    master_password: "primary_password",
    master_port: "primary_port",
    master_connect_retry: "primary_connect_retry",
    master_log_file: "primary_log_file",
    master_log_pos: "primary_log_pos",
    master_ssl: "primary_ssl",
    master_ssl_ca: "primary_ssl_ca",
    master_ssl_capath: "primary_ssl_capath",
    master_ssl_cert: "primary_ssl_cert",
    master_ssl_key: "primary_ssl_key",
    master_ssl_cipher: "primary_ssl_cipher",
    master_use_gtid: "primary_use_gtid",
    master_delay: "primary_delay",
  },
  sysctl: { key: "name" },
  apt_repository: {},
  apt_signing_key: { data: "content" },
  wait_for: { dest: "path" },
  git: { name: "repo" },
  find: { name: "paths", path: "paths", pattern: "patterns", exclude: "excludes" },
  uri: { user: "url_username", password: "url_password" },
  cron: { value: "job", dom: "day", dow: "weekday" },
  timezone: { rtc: "hwclock" },
  slurp: { path: "src" },
  mount: { name: "path" },
};

/** Collections whose modules are the same as ansible.builtin's under their short names. */
const COLLECTIONS = ["ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general.", "community.mysql.", "community.postgresql."];

/** Our module for an Ansible module name (short, FQCN or alias), or undefined. */
export function ourModule(ansibleName: string): ModuleName | undefined {
  const short = shortName(ansibleName);
  if (short === undefined) return undefined;
  const alias = ALIASES[short];
  if (alias) return alias;
  return Object.hasOwn(modules, short) ? (short as ModuleName) : undefined;
}

export function shortName(name: string): string | undefined {
  for (const c of COLLECTIONS) if (name.startsWith(c)) return name.slice(c.length);
  return name.includes(".") ? undefined : name;
}

export function argName(module: ModuleName, ansibleArg: string): string {
  return ARG_ALIASES[module]?.[ansibleArg] ?? ansibleArg;
}

/** The object schemas a module's arguments may take (a union: command's argv or cmd). */
function objectShapes(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodUnion) return schema.options.flatMap((o) => objectShapes(o as z.ZodType));
  if (schema instanceof z.ZodPipe) return objectShapes(schema.in as z.ZodType);
  return [];
}

/** The schema of one argument of a module (the first object shape that has it), or undefined. */
export function argSchema(module: ModuleName, arg: string): z.ZodType | undefined {
  for (const shape of objectShapes(modules[module].args)) {
    const s = shape.shape[arg];
    if (s !== undefined) return s as z.ZodType;
  }
  return undefined;
}

/** Why a literal argument value is refused by our module's schema, or undefined when it is accepted. */
export function argProblem(module: ModuleName, arg: string, value: unknown): string | undefined {
  const s = argSchema(module, arg);
  if (s === undefined) return `${module} has no argument ${arg}`;
  const r = s.safeParse(value);
  return r.success ? undefined : `${arg}: ${JSON.stringify(value)}: ${r.error.issues[0]?.message ?? "refused"}`;
}

/** The whole literal argument object checked by the schema (unions, refinements), or why not. */
export function argsProblem(module: ModuleName, args: Record<string, unknown>): string | undefined {
  const r = modules[module].args.safeParse(args);
  if (r.success) return undefined;
  const i = r.error.issues[0];
  return `${i?.path.join(".") || "arguments"}: ${i?.message ?? "refused"}`;
}
