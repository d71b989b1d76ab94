import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { withModuleFacts } from "../../../src/facts/module-facts.js";
import { type ServiceFact, activeState, mergeUnitFiles, parseListUnits, parseStatusAll } from "../../../src/modules/service-facts.js";
import { LOCAL_INVENTORY, cli, scratchDir, siteSource } from "../safety/cli-helpers.js";
import { ansible } from "../vault/ansible.js";

// systemctl's output as systemd 252 (Debian 12) prints it to a pipe in the C locale: "*" marks a
// unit whose load state is bad or that failed.
const LIST_UNITS = `  UNIT                          LOAD      ACTIVE   SUB     DESCRIPTION
  cron.service                  loaded    active   running Regular background program processing daemon
* dcv-broken.service            loaded    failed   failed  dcv broken
* dcv-gone.service              not-found inactive dead    dcv-gone.service
  getty@tty1.service            loaded    active   running Getty on tty1
* systemd-timesyncd.service     masked    inactive dead    systemd-timesyncd.service
  systemd-tmpfiles-clean.service loaded   inactive dead    Cleanup of Temporary Directories

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.
6 loaded units listed.
To show all installed unit files use 'systemctl list-unit-files'.
`;

const LIST_UNIT_FILES = `UNIT FILE                      STATE    VENDOR PRESET
cron.service                   enabled  enabled
dcv-broken.service             enabled  enabled
getty@.service                 enabled  enabled
rsync.service                  disabled enabled
systemd-timesyncd.service      masked   enabled
systemd-tmpfiles-clean.service static   -

6 unit files listed.
`;

describe("service_facts: systemd's and service's output read as Ansible reads it", () => {
  it("list-units, then list-unit-files: statuses, states, and the unit files systemd did not list", () => {
    const services: Record<string, ServiceFact> = {};
    parseListUnits(LIST_UNITS, services);
    expect(services["cron.service"]).toEqual({ name: "cron.service", state: "running", status: "active", source: "systemd" });
    expect(services["dcv-broken.service"]).toEqual({ name: "dcv-broken.service", state: "stopped", status: "failed", source: "systemd" });
    expect(services["dcv-gone.service"]?.status).toBe("not-found");
    expect(services["systemd-timesyncd.service"]).toEqual({ name: "systemd-timesyncd.service", state: "stopped", status: "masked", source: "systemd" });
    expect(services["systemd-tmpfiles-clean.service"]?.status).toBe("inactive");
    const unlisted = mergeUnitFiles(LIST_UNIT_FILES, services);
    // A bad status stays; any other takes the unit file's state.
    expect(services["dcv-broken.service"]?.status).toBe("failed");
    expect(services["cron.service"]?.status).toBe("enabled");
    expect(services["systemd-tmpfiles-clean.service"]?.status).toBe("static");
    expect(unlisted).toEqual([
      { name: "getty@.service", status: "enabled" },
      { name: "rsync.service", status: "disabled" },
    ]);
    expect(Object.keys(services)).toHaveLength(7 - 1);
  });

  it("systemctl show's ActiveState, or unknown when it failed or said nothing", () => {
    expect(activeState(0, "ActiveState=inactive\n")).toBe("inactive");
    expect(activeState(1, "")).toBe("unknown");
    expect(activeState(0, "")).toBe("unknown");
  });

  it("service --status-all: + running, - stopped, ? left out", () => {
    const services: Record<string, ServiceFact> = {};
    parseStatusAll(" [ + ]  cron\n [ - ]  dbus\n [ ? ]  hwclock.sh\n [ + ]  ssh\n", services);
    expect(services).toEqual({
      cron: { name: "cron", state: "running", source: "sysv" },
      dbus: { name: "dbus", state: "stopped", source: "sysv" },
      ssh: { name: "ssh", state: "running", source: "sysv" },
    });
  });
});

describe("module facts as the host's variables", () => {
  it("ansible_facts.<name> (an ansible_ prefix dropped) and the top-level name, over the gathered facts", () => {
    const gathered = { ansible_facts: { os_family: "Debian" }, ansible_os_family: "Debian" };
    expect(withModuleFacts(gathered, {})).toBe(gathered);
    expect(withModuleFacts(gathered, { services: { a: 1 }, ansible_thing: 2 })).toEqual({
      ansible_facts: { os_family: "Debian", services: { a: 1 }, thing: 2 },
      ansible_os_family: "Debian",
      services: { a: 1 },
      ansible_thing: 2,
    });
  });
});

describe("service_facts against ansible-core's on this machine (local connection)", { timeout: 180_000 }, () => {
  it("gives the same services, read back through ansible_facts.services and services in a template", async () => {
    const dir = scratchDir("service-facts");
    writeFileSync(join(dir, "hosts.yml"), LOCAL_INVENTORY);
    mkdirSync(join(dir, "templates"));
    writeFileSync(join(dir, "templates/facts.j2"), "{{ ansible_facts.services | to_json }}\n{{ services | length }}\n");
    writeFileSync(
      join(dir, "playbook.yml"),
      `- hosts: all\n  gather_facts: false\n  tasks:\n    - service_facts:\n    - template: { src: facts.j2, dest: "${dir}/ansible.txt" }\n`,
    );
    writeFileSync(join(dir, "site.ts"), siteSource(`await h.service_facts({});\nawait h.template({ src: "facts.j2", dest: ${JSON.stringify(join(dir, "ours.txt"))} });`));
    await ansible(dir, "ansible-playbook", ["-i", "hosts.yml", "playbook.yml"]);
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const [theirs, theirCount] = readFileSync(join(dir, "ansible.txt"), "utf8").split("\n");
    const [ours, ourCount] = readFileSync(join(dir, "ours.txt"), "utf8").split("\n");
    expect(JSON.parse(ours ?? "")).toEqual(JSON.parse(theirs ?? ""));
    expect(ourCount).toBe(theirCount);
    expect(Number(ourCount)).toBeGreaterThan(0);
  });
});
