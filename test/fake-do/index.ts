// The fake DigitalOcean API for tests and the lab: a real HTTP server whose answers are checked
// against DigitalOcean's OpenAPI spec (see openapi.ts and the *.test.ts files beside it).
//
//   const fake = await startFakeDigitalOcean({
//     token, droplets: dropletsFromTopology(topology), reservedIps: reservedIpsFromTopology(topology),
//     metadata: { host: topology.gatewayPrivate, port: 8169 },
//     onReservedIpMove: async ({ ip, to, from }) => { /* move the address between containers */ },
//   });
//   // the client talks to fake.url with the token; the lab routes 169.254.169.254:80 to fake.metadataUrl
//   await fake.close();

export { startFakeDigitalOcean } from "./server.js";
export type { FakeDigitalOcean, FakeDigitalOceanOptions, ReservedIpState } from "./server.js";
export { dropletsFromTopology, reservedIpsFromTopology } from "./topology.js";
export { FakeSeedError } from "./seeds.js";
export type { AccountSeed, DropletRecord, DropletSeed, ReservedIpSeed } from "./seeds.js";
export type { ReservedIpMove, OnReservedIpMove } from "./reserved-ip-actions.js";
export type { RateLimitStorm } from "./rate-limit.js";
export type { RecordedRequest } from "./recorded-request.js";
export type { ActionRecord, ActionStatus } from "./world.js";
export { DROPLET_ID_HEADER } from "./metadata.js";
export type { MetadataCallerOptions } from "./metadata.js";
