import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DSL, STACK_TRACE, cli, scratchDir } from "../safety/cli-helpers.js";

// Variables whose values are templates, through a real converge on the local connection: a typed
// role validates the evaluated values, facts-dependent values are evaluated once facts are
// gathered, hostvars evaluate in the other host's variables, and bad values stop the run before
// any host is touched.

const dir = scratchDir("vars-converge");
const out = join(dir, "out");
mkdirSync(out);
mkdirSync(join(dir, "roles/app/templates"), { recursive: true });
writeFileSync(join(dir, "roles/app/templates/app.conf.j2"), "url={{ app_url }}\nport+1={{ app_port + 1 }}\nmem={{ app_mem }}\npeer={{ hostvars['other'].listen }}\nfact={{ node_fact }}\ngreet={{ greeting }}\ncpus={{ app_cpus }}\n");
writeFileSync(
  join(dir, "site.ts"),
  `import { play, role, site, z } from ${JSON.stringify(DSL)};
const app = role({
  name: "app",
  vars: z.object({ app_port: z.number().int(), app_url: z.string(), app_mem: z.string(), app_debug: z.boolean().default(false), app_home: z.string().default("/srv/{{ app_name }}"), app_cpus: z.string().default("{{ ansible_processor_vcpus | default(ansible_processor_count) }}"), app_domain: z.string().default("shop.test"), app_root: z.string().default("/var/www/{{ app_domain }}"), app_logs: z.string().default("{{ app_root }}/logs") }),
  async tasks(h, v) {
    h.setFact({ node_fact: "set-" + v.app_port });
    await h.template({ src: "app.conf.j2", dest: ${JSON.stringify(join(out, "app.conf"))} });
    await h.copy({ content: JSON.stringify({ port: v.app_port, url: v.app_url, debug: v.app_debug, home: v.app_home, cpus: v.app_cpus, mem: v.app_mem, root: v.app_root, logs: v.app_logs, viaVars: h.vars.app_url }) + "\\n", dest: ${JSON.stringify(join(out, "vars.json"))} });
  },
});
export default site({ plays: [play({ name: "p", hosts: "localhost", gatherFacts: true, roles: [app] })] });
`,
);
const inventory = (extra: string) => `all:
  vars:
    app_name: shop
    base_port: 8000
    app_port: "{{ base_port + 80 }}"
    app_url: "http://{{ inventory_hostname }}:{{ app_port }}/"
    app_mem: "{{ (ansible_memtotal_mb * 0.25) | int }}M"
    app_debug: "{{ 'yes' if base_port > 1 else 'no' }}"
${extra}  hosts:
    localhost: { ansible_connection: local }
    other: { ansible_host: 192.0.2.7, listen: "{{ ansible_host }}:{{ base_port }}" }
`;

describe("variables whose values are templates, in a converge", { timeout: 120_000 }, () => {
  it("evaluates role variables (coerced as Ansible's argument types), facts-dependent values after gathering, hostvars in the other host", async () => {
    writeFileSync(join(dir, "hosts.yml"), inventory(""));
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck", "-e", '{"greeting": "{{ app_name }}!"}']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const conf = readFileSync(join(out, "app.conf"), "utf8");
    const memMb = Number(/^MemTotal:\s+(\d+) kB/m.exec(readFileSync("/proc/meminfo", "utf8"))?.[1]) / 1024;
    expect(conf).toMatch(/^url=http:\/\/localhost:8080\/\nport\+1=8081\nmem=\d+M\npeer=192\.0\.2\.7:8000\nfact=set-8080\ngreet=shop!\ncpus=[1-9]\d*\n$/);
    expect(Number(/mem=(\d+)M/.exec(conf)?.[1])).toBeCloseTo(Math.floor(memMb * 0.25), -2);
    expect(JSON.parse(readFileSync(join(out, "vars.json"), "utf8"))).toMatchObject({ port: 8080, url: "http://localhost:8080/", debug: true, home: "/srv/shop", viaVars: "http://localhost:8080/" });
    // A role default may use the role's other defaults, templated or not, as Ansible's may.
    expect(JSON.parse(readFileSync(join(out, "vars.json"), "utf8"))).toMatchObject({ root: "/var/www/shop.test", logs: "/var/www/shop.test/logs" });
    // A role default that needs facts is evaluated once they are gathered, not refused before the run.
    expect(JSON.parse(readFileSync(join(out, "vars.json"), "utf8")).cpus).toMatch(/^[1-9]\d*$/);
  });

  it("a schema error shows the expression, its value and where it was set; nothing is run", async () => {
    writeFileSync(join(dir, "hosts.yml"), inventory("    app_port: \"{{ 'eighty' }}\"\n").replace('    app_port: "{{ base_port + 80 }}"\n', ""));
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/role app, host localhost: app_port: Invalid input: expected number, received string \(set in \S*hosts\.yml:8, as "\{\{ 'eighty' \}\}", which gave "eighty"\)/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).not.toContain("Gathering Facts");
  });

  it("a cycle and an undefined name in a value stop the run before any host is touched, naming file:line", async () => {
    writeFileSync(
      join(dir, "hosts.yml"),
      inventory('    base_port: "{{ no_such_port }}"\n    app_mem: "{{ app_mem_text }}"\n    app_mem_text: "{{ app_mem }}"\n')
        .replace("    base_port: 8000\n", "")
        .replace(`    app_mem: "{{ (ansible_memtotal_mb * 0.25) | int }}M"\n`, ""),
    );
    const r = await cli(dir, ["site.ts", "-i", "hosts.yml", "--no-typecheck"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/problems? before any host was touched/);
    expect(r.stderr).toContain("uses undefined variable 'no_such_port'");
    expect(r.stderr).toMatch(/'base_port' \(\S*hosts\.yml:7\) uses undefined variable 'no_such_port', used by 'app_port' \(\S*hosts\.yml:4\)/);
    expect(r.stderr).toMatch(/variables need each other in a cycle: 'app_mem' \(\S*hosts\.yml:8\) → 'app_mem_text' \(\S*hosts\.yml:9\) → 'app_mem'/);
    expect(r.stdout + r.stderr).not.toMatch(STACK_TRACE);
    expect(r.stdout).not.toContain("Gathering Facts");
  });
});
