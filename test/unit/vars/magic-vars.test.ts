import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ansible } from "../vault/ansible.js";
import { DSL, cli, scratchDir } from "../safety/cli-helpers.js";

// The run's own variables (ansible_check_mode, ansible_version, ansible_play_hosts, …) as real
// roles read them: the same template rendered, on the same three hosts over the local
// connection with the same options, by ansible-playbook and by do-converge, each host's file
// compared byte for byte. The hosts do not fail, so the one documented difference (a peer that
// fails later in a play is still listed) does not arise.

const dir = scratchDir("magic-vars");
const TEMPLATE = [
  "check={{ ansible_check_mode }} diff={{ ansible_diff_mode }}",
  "version={{ ansible_version.full }} {{ ansible_version.major }}.{{ ansible_version.minor }} new={{ ansible_version.full is version('2.12', '>=') }}",
  "play={{ ansible_play_name }} all={{ ansible_play_hosts_all }} hosts={{ ansible_play_hosts }} batch={{ ansible_play_batch }} play_hosts={{ play_hosts }}",
  "others={{ ansible_play_hosts | difference([inventory_hostname]) | join(',') }}",
  "tags={{ ansible_run_tags }} skip={{ ansible_skip_tags }} limit={{ ansible_limit | default('none') }} forks={{ ansible_forks }} verbosity={{ ansible_verbosity }}",
  "from_var={{ uses_magic }}",
  "",
].join("\n");
const INVENTORY = "all:\n  vars:\n    ansible_connection: local\n    uses_magic: \"{{ ansible_check_mode | ternary('dry', 'live') }}-{{ ansible_play_batch | length }}\"\n  hosts:\n    h1: {}\n    h2: {}\n    h3: {}\n";

function setUp(): void {
  mkdirSync(join(dir, "templates"), { recursive: true });
  writeFileSync(join(dir, "templates/magic.j2"), TEMPLATE);
  writeFileSync(join(dir, "hosts.yml"), INVENTORY);
  // check_mode: false writes in --check too, in both tools, so check mode's values are compared.
  writeFileSync(
    join(dir, "playbook.yml"),
    `- name: magic\n  hosts: all\n  serial: 2\n  gather_facts: false\n  tasks:\n    - template: { src: templates/magic.j2, dest: "${dir}/ansible/{{ inventory_hostname }}" }\n      check_mode: false\n      tags: [t1]\n`,
  );
  writeFileSync(
    join(dir, "site.ts"),
    `import { play, site } from ${JSON.stringify(DSL)};
export default site({ plays: [play({ name: "magic", hosts: "all", serial: 2, gatherFacts: false, tags: ["t1"], tasks: async (h) => {
  await h.template({ src: "magic.j2", dest: ${JSON.stringify(join(dir, "ours"))} + "/" + String(h.vars["inventory_hostname"]) }, { checkMode: false });
} })] });
`,
  );
}
setUp();

async function both(args: readonly string[]): Promise<void> {
  for (const d of ["ansible", "ours"]) {
    rmSync(join(dir, d), { recursive: true, force: true });
    mkdirSync(join(dir, d));
  }
  await ansible(dir, "ansible-playbook", ["-i", "hosts.yml", "playbook.yml", ...args]);
  const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", ...args]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
}

function files(sub: string): Record<string, string> {
  return Object.fromEntries(readdirSync(join(dir, sub)).sort().map((f) => [f, readFileSync(join(dir, sub, f), "utf8")]));
}

describe("the run's own variables, as ansible-playbook gives them", { timeout: 180_000 }, () => {
  it("a plain run: check and diff off, the version, the play's hosts and serial batches, default tags", async () => {
    // --forks given: the default differs on purpose (do-converge's is 20, Ansible's 5).
    await both(["--forks", "7"]);
    const ours = files("ours");
    expect(Object.keys(ours)).toEqual(["h1", "h2", "h3"]);
    expect(ours).toEqual(files("ansible"));
    expect(ours["h3"]).toContain("batch=['h3']");
  });

  it("--check --diff, --limit, --forks, tags and skipped tags", async () => {
    await both(["--check", "--diff", "--limit", "h1:h3", "--forks", "3", "--tags", "t1", "--skip-tags", "t9"]);
    const ours = files("ours");
    expect(Object.keys(ours)).toEqual(["h1", "h3"]);
    expect(ours).toEqual(files("ansible"));
    expect(ours["h1"]).toContain("from_var=dry-2");
  });
});
