import { connect } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";

/** Resolves with the first line a TCP server sends (an SSH banner), or undefined on failure. */
export function readBanner(host: string, port: number, timeoutMs = 2000): Promise<string | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    let buf = "";
    const done = (v: string | undefined) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(undefined));
    sock.on("error", () => done(undefined));
    sock.on("data", (d) => {
      buf += d.toString("latin1");
      const nl = buf.indexOf("\n");
      if (nl >= 0) done(buf.slice(0, nl).trim());
    });
    sock.on("end", () => done(undefined));
  });
}

export function portOpen(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.on("error", () => done(false));
    sock.on("connect", () => done(true));
  });
}

/** Polls until check() holds; returns false when the deadline passes first. */
export async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await sleep(everyMs);
  }
}
