import { afterEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { startFakeDigitalOcean, type FakeDigitalOcean, type ReservedIpMove } from "./index.js";
import { validateRequest, validateResponse } from "./openapi.js";
import { ActionBody, ErrorBody, ReservedIpBody, TOKEN, api, gate } from "./test-helpers.js";

// Reserved-IP actions. Moves are held on a gate the test opens, so "in progress" is a state the
// test controls rather than a race against actionDelayMs.

const A = 501;
const B = 502;
const C = 503;
const FAR = 504;
const IP = "203.0.113.50";
const OTHER_IP = "203.0.113.51";
const ACTIONS = "/v2/reserved_ips/{reserved_ip}/actions";

let fake: FakeDigitalOcean | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(onReservedIpMove?: (move: ReservedIpMove) => Promise<void>) {
  fake = await startFakeDigitalOcean({
    token: TOKEN,
    actionDelayMs: 0,
    onReservedIpMove,
    droplets: [
      { id: A, name: "lb1", privateIpv4: "10.2.0.1", publicIpv4: "198.51.100.1" },
      { id: B, name: "lb2", privateIpv4: "10.2.0.2", publicIpv4: "198.51.100.2" },
      { id: C, name: "lb3", privateIpv4: "10.2.0.3", publicIpv4: "198.51.100.3" },
      { id: FAR, name: "far", region: "sfo3", privateIpv4: "10.2.0.4", publicIpv4: "198.51.100.4" },
    ],
    reservedIps: [
      { ip: IP, region: "nyc3", dropletId: A },
      { ip: OTHER_IP, region: "nyc3", dropletId: C },
    ],
  });
  return { fake, call: api(fake) };
}

describe("reserved IP assign", () => {
  it("starts in-progress and locked, then completes with the droplet changed and the move reported", async () => {
    const moves: ReservedIpMove[] = [];
    const held = gate();
    const { fake, call } = await start(async (move) => {
      moves.push(move);
      await held.promise;
    });

    const started = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    expect(started.status).toBe(201);
    validateResponse("POST", ACTIONS, 201, started.body, { headers: started.headers });
    const action = ActionBody.parse(started.body).action;
    expect(action).toMatchObject({ status: "in-progress", type: "assign_ip", completed_at: null });

    const during = ReservedIpBody.parse((await call("GET", `/v2/reserved_ips/${IP}`)).body).reserved_ip;
    expect(during.locked).toBe(true);
    expect(during.droplet?.id).toBe(A);

    const second = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    expect(second.status).toBe(422);
    expect(ErrorBody.parse(second.body).id).toBe("unprocessable_entity");
    validateResponse("POST", ACTIONS, 422, second.body, { headers: second.headers });

    held.open();
    await fake.idle();

    const done = await call("GET", `/v2/reserved_ips/${IP}/actions/${action.id}`);
    validateResponse("GET", `${ACTIONS}/{action_id}`, 200, done.body, { headers: done.headers });
    expect(ActionBody.parse(done.body).action.status).toBe("completed");
    expect(ActionBody.parse(done.body).action.completed_at).not.toBeNull();
    const after = ReservedIpBody.parse((await call("GET", `/v2/reserved_ips/${IP}`)).body).reserved_ip;
    expect(after).toMatchObject({ locked: false, droplet: { id: B } });
    expect(moves).toEqual([{ ip: IP, to: B, from: A }]);
    expect(fake.reservedIp(IP)).toEqual({ ip: IP, region: "nyc3", dropletId: B, locked: false });
  });

  it("can be followed by polling GET /v2/actions/{id}, as a client does", async () => {
    const { call } = await start();
    const started = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    const id = ActionBody.parse(started.body).action.id;
    let status = "in-progress";
    while (status === "in-progress") {
      const res = await call("GET", `/v2/actions/${id}`);
      validateResponse("GET", "/v2/actions/{action_id}", res.status, res.body, { headers: res.headers });
      status = ActionBody.parse(res.body).action.status;
    }
    expect(status).toBe("completed");
  });

  it("records the request body as sent, with an integer droplet_id that passes request validation", async () => {
    const { fake, call } = await start();
    await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    const sent = fake.requests.find((r) => r.method === "POST");
    expect(sent).toMatchObject({ template: ACTIONS, body: { type: "assign", droplet_id: B }, status: 201 });
    validateRequest("POST", ACTIONS, sent?.body);
  });

  it("marks the action errored and keeps the IP where it was when the move fails", async () => {
    const { fake, call } = await start(() => Promise.reject(new Error("ip addr add failed")));
    const started = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    const id = ActionBody.parse(started.body).action.id;
    await fake.idle();
    const res = await call("GET", `/v2/actions/${id}`);
    validateResponse("GET", "/v2/actions/{action_id}", 200, res.body, { headers: res.headers });
    expect(ActionBody.parse(res.body).action.status).toBe("errored");
    expect(fake.action(id)?.error).toBe("ip addr add failed");
    expect(fake.reservedIp(IP)).toMatchObject({ dropletId: A, locked: false });
  });

  it("rejects droplet_id sent as a string with 422 and starts nothing", async () => {
    const moves: ReservedIpMove[] = [];
    const { fake, call } = await start(async (m) => {
      moves.push(m);
    });
    const res = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: String(B) } });
    expect(res.status).toBe(422);
    const body = ErrorBody.parse(res.body);
    expect(body.id).toBe("unprocessable_entity");
    expect(body.message).toMatch(/droplet_id/);
    expect(fake.reservedIp(IP)).toMatchObject({ dropletId: A, locked: false });
    await fake.idle();
    expect(moves).toEqual([]);
    expect(() => validateRequest("POST", ACTIONS, { type: "assign", droplet_id: String(B) })).toThrow(/droplet_id must be integer/);
  });

  it.each([
    ["an unknown droplet", { type: "assign", droplet_id: 999 }, /999/],
    ["a droplet in another region", { type: "assign", droplet_id: FAR }, /region/],
    ["a droplet that already holds a reserved IP", { type: "assign", droplet_id: C }, /already has/],
    ["an unknown action type", { type: "teleport" }, /type/],
    ["no body", undefined, /body|type/],
  ])("rejects %s with 422", async (_why, body: unknown, message: RegExp) => {
    const { call } = await start();
    const res = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body });
    expect(res.status).toBe(422);
    expect(ErrorBody.parse(res.body).message).toMatch(message);
    validateResponse("POST", ACTIONS, 422, res.body, { headers: res.headers });
  });
});

describe("reserved IP unassign", () => {
  it("completes with no droplet and reports the move away", async () => {
    const moves: ReservedIpMove[] = [];
    const { fake, call } = await start(async (m) => {
      moves.push(m);
    });
    const res = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "unassign" } });
    expect(ActionBody.parse(res.body).action.type).toBe("unassign_ip");
    await fake.idle();
    const after = await call("GET", `/v2/reserved_ips/${IP}`);
    validateResponse("GET", "/v2/reserved_ips/{reserved_ip}", 200, after.body, { headers: after.headers });
    expect(ReservedIpBody.parse(after.body).reserved_ip.droplet).toBeNull();
    expect(moves).toEqual([{ ip: IP, to: null, from: A }]);

    const again = await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "unassign" } });
    expect(again.status).toBe(422);
  });

  it("lists the IP's actions newest first", async () => {
    const { fake, call } = await start();
    await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "unassign" } });
    await fake.idle();
    await call("POST", `/v2/reserved_ips/${IP}/actions`, { body: { type: "assign", droplet_id: B } });
    await fake.idle();
    const res = await call("GET", `/v2/reserved_ips/${IP}/actions`);
    validateResponse("GET", ACTIONS, 200, res.body, { headers: res.headers });
    const list = z.object({ actions: z.array(z.object({ type: z.string() })) }).parse(res.body);
    expect(list.actions.map((a) => a.type)).toEqual(["assign_ip", "unassign_ip"]);
  });
});
