import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateResponse } from "../fake-do/openapi.js";
import { labSkipReason } from "./availability.js";
import { DEPLOY_USER } from "./base.js";
import { Lab } from "./lab.js";
import { waitUntil } from "./net.js";
import { type LabSsh, knownKeys, labSsh } from "./ssh.js";

const skip = labSkipReason();

describe.skipIf(skip !== undefined)("the lab's fake DigitalOcean, seen from lab hosts", () => {
  const lab = Lab.fromFile();
  const sessions: LabSsh[] = [];
  const ssh = async (name: string, address = lab.host(name).privateIpv4) => {
    const s = await labSsh({ host: address, user: DEPLOY_USER, keyFile: lab.keyFile, acceptKeys: knownKeys(lab.knownHostsFile, name) });
    sessions.push(s);
    return s;
  };
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${lab.api.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${lab.api.token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
  };

  beforeAll(async () => {
    await lab.up();
  });
  afterAll(() => {
    for (const s of sessions) s.close();
  });

  it("answers each droplet's metadata request with its own identity", async () => {
    for (const name of ["db1", "web2"]) {
      const h = lab.host(name);
      const s = await ssh(name);
      const r = await s.exec(
        "curl -sf http://169.254.169.254/metadata/v1/id; echo; curl -sf http://169.254.169.254/metadata/v1/interfaces/private/0/ipv4/address",
      );
      expect(r.stdout).toBe(`${h.dropletId}\n${h.privateIpv4}`);
    }
  });

  it("serves the droplets by tag to lab hosts, in DigitalOcean's shape", async () => {
    const s = await ssh("web1");
    const r = await s.exec(`curl -sf -H 'Authorization: Bearer ${lab.api.token}' '${lab.api.url}/v2/droplets?tag_name=database&per_page=200'`);
    const body = JSON.parse(r.stdout) as { droplets: { name: string }[] };
    validateResponse("get", "/v2/droplets", 200, body);
    expect(body.droplets.map((d) => d.name).sort()).toEqual(["db1", "db2", "db3"]);
  });

  it("moves traffic for a reserved IP when an assign action completes", async () => {
    const ip = lab.topology.reservedIps[0]?.ip ?? "";
    for (const holder of ["lb1", "lb2"]) {
      const { status, body } = await api("POST", `/v2/reserved_ips/${ip}/actions`, { type: "assign", droplet_id: lab.host(holder).dropletId });
      expect(status).toBe(201);
      validateResponse("post", "/v2/reserved_ips/{reserved_ip}/actions", 201, body);
      const actionId = (body.action as { id: number }).id;
      const done = await waitUntil(async () => {
        const a = await api("GET", `/v2/actions/${actionId}`);
        return (a.body.action as { status: string }).status === "completed";
      }, 15_000);
      expect(done).toBe(true);
      // Only the holder's host key answers on the reserved IP now.
      const s = await ssh(holder, ip);
      expect((await s.exec("hostname")).stdout.trim()).toBe(holder);
      const meta = await s.exec("curl -sf http://169.254.169.254/metadata/v1/reserved_ip/ipv4/active");
      expect(meta.stdout.trim()).toBe("true");
    }
    await expect(ssh("lb1", ip)).rejects.toThrow(/ssh deploy@/);
    const { status } = await api("POST", `/v2/reserved_ips/${ip}/actions`, { type: "unassign" });
    expect(status).toBe(201);
  });
});
