// The guard of one run's lab (see guard.ts): started detached by guardLab(), reads its orders
// from stdin, answers "armed", and when stdin closes without "release" (the run died) takes the
// run's hosts down. Its stderr is the lab's guard log; argv[2] (the lab's state directory) only
// names it in `ps`.
import { Lab } from "./lab.js";
import { ARMED, type GuardOrders, RELEASE } from "./guard.js";

const log = (line: string) => process.stderr.write(`${new Date().toISOString()} guard ${process.pid}: ${line}\n`);

let text = "";
let orders: GuardOrders | undefined;

process.stdout.on("error", () => undefined); // the run stops reading once armed
process.stdin.setEncoding("utf8");
process.stdin.on("data", (d: string) => {
  text += d;
  const lines = text.split("\n");
  if (orders === undefined && lines.length > 1) {
    orders = JSON.parse(lines[0] ?? "") as GuardOrders;
    log(`guarding ${orders.what} (pid ${orders.owner}): ${orders.topology.hosts.map((h) => h.name).join(", ")} on ${orders.topology.bridge}`);
    process.stdout.write(`${ARMED}\n`);
  }
  if (lines.slice(1).includes(RELEASE)) {
    log(`released by ${orders?.what ?? "its run"}`);
    process.exit(0);
  }
});
process.stdin.on("end", () => {
  if (orders === undefined) {
    log("its run ended before giving orders");
    process.exit(1);
  }
  const o = orders;
  log(`${o.what} (pid ${o.owner}) ended without taking its hosts down: taking down ${o.topology.bridge}`);
  new Lab(o.topology, o.paths).down(log).then(
    () => {
      log("done: hosts, bridge and state removed");
      process.exit(0);
    },
    (err: unknown) => {
      log(`down failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
});
