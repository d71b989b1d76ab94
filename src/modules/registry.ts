import { apt } from "./apt.js";
import { apt_signing_key } from "./apt-key.js";
import { apt_repository } from "./apt-repository.js";
import { unarchive } from "./archives.js";
import { authorized_key } from "./authorized-key.js";
import { command, shell } from "./command.js";
import { cron } from "./cron.js";
import { debconf } from "./debconf.js";
import { blockinfile, lineinfile } from "./lines.js";
import { locale_gen } from "./locale-gen.js";
import { mount } from "./mount.js";
import { ini_file } from "./ini-file.js";
import { replace } from "./replace.js";
import { find } from "./find.js";
import { getent } from "./getent.js";
import { service_facts } from "./service-facts.js";
import { package_facts } from "./package-facts.js";
import { slurp } from "./slurp.js";
import { deb822_repository } from "./deb822-repository.js";
import { git } from "./git.js";
import { sysctl } from "./sysctl.js";
import { timezone } from "./timezone.js";
import { wait_for } from "./wait-for.js";
import type { ModuleDef } from "./contract.js";
import { get_url } from "./downloads.js";
import { file } from "./file.js";
import { copy, stat, template } from "./files.js";
import { mysql_db, mysql_query, mysql_user } from "./mysql.js";
import { postgresql_db } from "./postgresql-db.js";
import { postgresql_privs } from "./postgresql-privs.js";
import { postgresql_user } from "./postgresql-user.js";
import { mysql_replication } from "./mysql-replication.js";
import { systemd } from "./systemd.js";
import { uri } from "./uri.js";
import { group, user } from "./users.js";

/**
 * Every module the host context offers, by method name. The `h.<name>(args, meta)` methods and
 * their argument and result types are derived from this object: adding a module here is all it
 * takes to expose it, typed.
 */
export const modules = { file, copy, template, stat, command, shell, apt, apt_repository, deb822_repository, apt_signing_key, systemd, mysql_db, mysql_user, mysql_query, mysql_replication, postgresql_db, postgresql_user, postgresql_privs, group, user, authorized_key, get_url, unarchive, uri, lineinfile, blockinfile, ini_file, replace, sysctl, wait_for, debconf, find, getent, service_facts, package_facts, slurp, git, cron, timezone, locale_gen, mount } as const;

export type Modules = typeof modules;
export type ModuleName = keyof Modules;
export type AnyModule = ModuleDef<import("zod").ZodType, unknown, unknown>;
