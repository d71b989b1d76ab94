import type { AnyModule, ModuleName, Modules } from "./registry.js";

/**
 * Each module's implementation, imported when a task first calls it: a run loads the modules its
 * site uses, not all of them with everything they import (the registry's eager object is for
 * the types, the import command and tests). The mapped type keeps this list complete, each entry
 * typed as the registry's module of its name.
 */
const loaders: { readonly [N in ModuleName]: () => Promise<Modules[N]> } = {
  file: async () => (await import("./file.js")).file,
  copy: async () => (await import("./files.js")).copy,
  template: async () => (await import("./files.js")).template,
  stat: async () => (await import("./files.js")).stat,
  command: async () => (await import("./command.js")).command,
  shell: async () => (await import("./command.js")).shell,
  apt: async () => (await import("./apt.js")).apt,
  apt_repository: async () => (await import("./apt-repository.js")).apt_repository,
  deb822_repository: async () => (await import("./deb822-repository.js")).deb822_repository,
  apt_signing_key: async () => (await import("./apt-key.js")).apt_signing_key,
  systemd: async () => (await import("./systemd.js")).systemd,
  mysql_db: async () => (await import("./mysql.js")).mysql_db,
  mysql_user: async () => (await import("./mysql.js")).mysql_user,
  mysql_query: async () => (await import("./mysql.js")).mysql_query,
  mysql_replication: async () => (await import("./mysql-replication.js")).mysql_replication,
  postgresql_db: async () => (await import("./postgresql-db.js")).postgresql_db,
  postgresql_user: async () => (await import("./postgresql-user.js")).postgresql_user,
  postgresql_privs: async () => (await import("./postgresql-privs.js")).postgresql_privs,
  group: async () => (await import("./users.js")).group,
  user: async () => (await import("./users.js")).user,
  authorized_key: async () => (await import("./authorized-key.js")).authorized_key,
  get_url: async () => (await import("./downloads.js")).get_url,
  unarchive: async () => (await import("./archives.js")).unarchive,
  uri: async () => (await import("./uri.js")).uri,
  lineinfile: async () => (await import("./lines.js")).lineinfile,
  blockinfile: async () => (await import("./lines.js")).blockinfile,
  ini_file: async () => (await import("./ini-file.js")).ini_file,
  replace: async () => (await import("./replace.js")).replace,
  sysctl: async () => (await import("./sysctl.js")).sysctl,
  wait_for: async () => (await import("./wait-for.js")).wait_for,
  debconf: async () => (await import("./debconf.js")).debconf,
  find: async () => (await import("./find.js")).find,
  getent: async () => (await import("./getent.js")).getent,
  service_facts: async () => (await import("./service-facts.js")).service_facts,
  package_facts: async () => (await import("./package-facts.js")).package_facts,
  slurp: async () => (await import("./slurp.js")).slurp,
  git: async () => (await import("./git.js")).git,
  cron: async () => (await import("./cron.js")).cron,
  timezone: async () => (await import("./timezone.js")).timezone,
  locale_gen: async () => (await import("./locale-gen.js")).locale_gen,
  mount: async () => (await import("./mount.js")).mount,
};

/** Every module's name, as `h.<name>()` offers it. */
export const moduleNames = Object.keys(loaders) as ModuleName[];

const loaded = new Map<ModuleName, Promise<AnyModule>>();

/** A module's implementation; imported once, however many hosts and tasks ask for it at once. */
export function loadModule(name: ModuleName): Promise<AnyModule> {
  let mod = loaded.get(name);
  if (mod === undefined) {
    mod = loaders[name]();
    loaded.set(name, mod);
  }
  return mod;
}
