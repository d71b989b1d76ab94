import { describe, expect, it } from "vitest";
import {
  ConnectionVarError,
  connectionSpec,
  mergeInventories,
  parseYamlInventory,
  resolveHostVars,
  type ResolvedVars,
} from "../../../src/inventory/index.js";
import { CONNECTION_VARIABLES } from "../../../src/inventory/connection.js";
import { thrown } from "./helpers.js";

const F = "inventory/hosts.yml";

/** Resolved vars for host `h` whose inventory vars are the given YAML lines. */
function varsOf(...lines: string[]): ResolvedVars {
  const text = ["all:", "  hosts:", "    h:", ...lines.map((l) => `      ${l}`)].join("\n") + "\n";
  return resolveHostVars(mergeInventories([parseYamlInventory(text, F)]), "h");
}

describe("connectionSpec", () => {
  it("uses Ansible's defaults when nothing is set", () => {
    expect(connectionSpec("web1.example.com", varsOf())).toEqual({
      name: "web1.example.com",
      host: "web1.example.com",
      port: 22,
      connection: "ssh",
      become: false,
      becomeUser: "root",
      becomeMethod: "sudo",
    });
  });

  it("reads every connection variable", () => {
    const vars = varsOf(
      "ansible_host: 10.0.0.5",
      "ansible_port: '2222'",
      "ansible_user: deploy",
      "ansible_ssh_private_key_file: ~/.ssh/do",
      "ansible_connection: ssh",
      "ansible_become: 'yes'",
      "ansible_become_user: postgres",
      "ansible_become_method: sudo",
      "ansible_become_password: 1234",
    );
    expect(connectionSpec("h", vars)).toEqual({
      name: "h",
      host: "10.0.0.5",
      port: 2222,
      user: "deploy",
      privateKeyFile: "~/.ssh/do",
      connection: "ssh",
      become: true,
      becomeUser: "postgres",
      becomeMethod: "sudo",
      becomePassword: "1234",
    });
  });

  it.each([
    ["yes", true],
    ["'Yes'", true],
    ["'on'", true],
    ["'1'", true],
    ["1", true],
    ["'t'", true],
    ["'y'", true],
    ["'false'", false],
    ["'No'", false],
    ["'off'", false],
    ["0", false],
    ["'n'", false],
  ])("reads ansible_become: %s as Ansible's boolean %s", (raw, expected) => {
    expect(connectionSpec("h", varsOf(`ansible_become: ${raw}`)).become).toBe(expected);
  });

  it("reads only the variables of CONNECTION_VARIABLES, which a caller may give alone", () => {
    const asked = new Set<string>();
    const values = new Proxy<Record<string, unknown>>(
      {},
      {
        has(_target, key) {
          if (typeof key === "string") asked.add(key);
          return false;
        },
        get(_target, key) {
          if (typeof key === "string") asked.add(key);
          return undefined;
        },
      },
    );
    connectionSpec("h", { values, provenance: {}, layers: {} });
    expect([...asked].sort()).toEqual([...CONNECTION_VARIABLES].sort());
  });

  it("accepts Ansible's older aliases, the canonical name winning", () => {
    expect(connectionSpec("h", varsOf("ansible_ssh_host: 10.0.0.9", "ansible_ssh_port: 2200", "ansible_ssh_user: ops", "ansible_become_pass: pw"))).toMatchObject({
      host: "10.0.0.9",
      port: 2200,
      user: "ops",
      becomePassword: "pw",
    });
    expect(connectionSpec("h", varsOf("ansible_host: 10.0.0.1", "ansible_ssh_host: 10.0.0.9")).host).toBe("10.0.0.1");
  });

  it("takes a local connection, and Ansible's 'smart' as ssh", () => {
    expect(connectionSpec("h", varsOf("ansible_connection: local")).connection).toBe("local");
    expect(connectionSpec("h", varsOf("ansible_connection: smart")).connection).toBe("ssh");
  });

  it("treats a null value as unset", () => {
    expect(connectionSpec("h", varsOf("ansible_user:", "ansible_port: ~"))).toMatchObject({ port: 22 });
    expect(connectionSpec("h", varsOf("ansible_user:")).user).toBeUndefined();
  });

  it("renders templated values when given a renderer, and refuses them otherwise", () => {
    const vars = varsOf("ansible_host: '{{ private_ip }}'");
    expect(connectionSpec("h", vars, (t, v) => `${v}=${t.length}`).host).toBe("ansible_host=16");
    expect((thrown(() => connectionSpec("h", vars)) as Error).message).toBe(
      `host h: ansible_host (set at ${F}:4): is a template; render variables before building the connection`,
    );
  });

  const errors: Array<[string, string]> = [
    ["ansible_port: ssh", `host h: ansible_port (set at ${F}:4): must be a port number (1-65535), found "ssh"`],
    ["ansible_port: 70000", `host h: ansible_port (set at ${F}:4): must be a port number (1-65535), found 70000`],
    ["ansible_port: 22.5", `host h: ansible_port (set at ${F}:4): must be a port number (1-65535), found 22.5`],
    ["ansible_port: true", `host h: ansible_port (set at ${F}:4): must be a port number (1-65535), found true`],
    ["ansible_become: maybe", `host h: ansible_become (set at ${F}:4): must be a boolean (true/false, yes/no, on/off, 1/0), found "maybe"`],
    ["ansible_become: 2", `host h: ansible_become (set at ${F}:4): must be a boolean (true/false, yes/no, on/off, 1/0), found 2`],
    ["ansible_become_method: su", `host h: ansible_become_method (set at ${F}:4): only sudo is supported as become method, found "su"`],
    ["ansible_connection: winrm", `host h: ansible_connection (set at ${F}:4): only ssh and local connections are supported, found "winrm"`],
    ["ansible_user: ''", `host h: ansible_user (set at ${F}:4): must be a non-empty string, found ""`],
    ["ansible_user: [a]", `host h: ansible_user (set at ${F}:4): must be a non-empty string, found ["a"]`],
    ["ansible_host: {a: 1}", `host h: ansible_host (set at ${F}:4): must be a non-empty string, found {"a":1}`],
  ];

  it.each(errors)("rejects %s naming the host, the variable and where it was set", (line, message) => {
    const err = thrown(() => connectionSpec("h", varsOf(line)));
    expect(err).toBeInstanceOf(ConnectionVarError);
    expect((err as ConnectionVarError).host).toBe("h");
    expect((err as Error).message).toBe(message);
  });

  it("names the winning layer's file when a group var is wrong", () => {
    const inv = mergeInventories([parseYamlInventory("web:\n  vars:\n    ansible_port: twenty-two\n  hosts:\n    w1:\n", F)]);
    const err = thrown(() => connectionSpec("w1", resolveHostVars(inv, "w1"))) as ConnectionVarError;
    expect(err.variable).toBe("ansible_port");
    expect(err.provenance).toEqual({ file: F, line: 3 });
    expect(err.message).toBe(`host w1: ansible_port (set at ${F}:3): must be a port number (1-65535), found "twenty-two"`);
  });
});
