import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The differential tests run the installed ansible-core (Debian's, in /usr/bin) as the oracle.
// Each run gets an environment of its own in a scratch directory, so nothing of the user's
// (~/.ansible, ansible.cfg, a collection) or of another run changes Ansible's answer.

/** PATH without npm's bin directories: the system's ansible commands, not whatever npm installed. */
export function systemPath(): string {
  return (process.env.PATH ?? "/usr/bin:/bin")
    .split(":")
    .filter((d) => !d.includes("node_modules"))
    .join(":");
}

/**
 * An environment for ansible-core isolated in `dir`: HOME, ANSIBLE_HOME and the local temp
 * directory there, and `config` as ansible.cfg (default: an empty `dir/ansible.cfg`, written
 * here); no colors, no retry files, no bytecode written next to a test's plugins. `extra` last.
 */
export function ansibleEnv(dir: string, o: { config?: string; extra?: Readonly<Record<string, string>> } = {}): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true });
  const config = o.config ?? join(dir, "ansible.cfg");
  if (o.config === undefined && !existsSync(config)) writeFileSync(config, "");
  return {
    PATH: systemPath(),
    HOME: dir,
    LC_ALL: "C.UTF-8",
    ANSIBLE_CONFIG: config,
    ANSIBLE_HOME: join(dir, "home"),
    ANSIBLE_LOCAL_TEMP: join(dir, "tmp"),
    ANSIBLE_NOCOLOR: "1",
    ANSIBLE_RETRY_FILES_ENABLED: "0",
    PYTHONDONTWRITEBYTECODE: "1",
    ...o.extra,
  };
}
