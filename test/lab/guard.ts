import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import { Socket } from "node:net";
import { dirname } from "node:path";
import { LabError } from "./errors.js";
import type { Lab } from "./lab.js";
import type { LabPaths } from "./paths.js";
import type { Topology } from "./topology.js";

/** What the guard is told when it starts: the lab to take down, and whose run it guards. */
export interface GuardOrders {
  topology: Topology;
  paths: LabPaths;
  owner: number;
  what: string;
}

export const RELEASE = "release";
export const ARMED = "armed";

export interface LabGuard {
  /** The run took its hosts down itself (or keeps them on purpose): the guard leaves. */
  release(): void;
}

/**
 * Makes a run's hosts go down with the run, however it ends: a detached process (its own session,
 * so the Ctrl-C or `timeout` that stops the run does not reach it) holds a pipe from this process
 * and runs `down` when the pipe closes without a release, which is what the kernel does when this
 * process dies, by a signal or otherwise. A signal handler here could not do that: under vitest the
 * test worker is killed with the runner, and SIGKILL cannot be handled at all. Resolves once the
 * guard has read its orders.
 */
export async function guardLab(lab: Lab, what: string): Promise<LabGuard> {
  const orders: GuardOrders = { topology: lab.topology, paths: lab.paths, owner: process.pid, what };
  mkdirSync(dirname(lab.paths.guardLog), { recursive: true });
  const logFd = openSync(lab.paths.guardLog, "a");
  const daemon = new URL("./guard-daemon.ts", import.meta.url).pathname;
  const root = new URL("../..", import.meta.url).pathname;
  const child = spawn(process.execPath, ["--import", "tsx", daemon, lab.paths.stateDir], {
    cwd: root,
    detached: true,
    stdio: ["pipe", "pipe", logFd],
  });
  closeSync(logFd);
  const stdin = child.stdin;
  const stdout = child.stdout;
  if (!stdin || !stdout) throw new LabError("the lab guard did not start: no pipe to it");
  stdin.on("error", () => undefined); // a guard that died is reported by the wait below
  stdin.write(`${JSON.stringify(orders)}\n`);

  await new Promise<void>((resolve, reject) => {
    let text = "";
    const fail = (why: string) => reject(new LabError(`the lab guard did not start (${why}); see ${lab.paths.guardLog}`));
    child.on("error", (err) => fail(err.message));
    child.on("exit", (code) => fail(`exit ${code}`));
    stdout.setEncoding("utf8").on("data", (d: string) => {
      text += d;
      if (text.includes(`${ARMED}\n`)) resolve();
    });
  });
  child.removeAllListeners("exit");
  child.removeAllListeners("error");
  stdout.destroy();
  // Neither the guard nor its pipe may keep this process alive: the pipe is only ever closed.
  child.unref();
  if (stdin instanceof Socket) stdin.unref();
  return {
    release() {
      if (!stdin.writable) return;
      stdin.end(`${RELEASE}\n`);
    },
  };
}
