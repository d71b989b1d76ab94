import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { LabError } from "./errors.js";
import { isAlive } from "./processes.js";

/**
 * Serialises lab operations (two test runs, or a test run and `npm run lab -- down`) with a lock
 * file holding the owner's pid. A lock whose owner died is stale and taken over, so a killed run
 * never wedges the lab.
 */
export async function withLabLock<T>(file: string, what: string, fn: () => Promise<T>, waitMs = 600_000): Promise<T> {
  mkdirSync(dirname(file), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = openSync(file, "wx", 0o644);
      writeSync(fd, `${process.pid}\n${what}\n`);
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      let owner = Number.NaN;
      let ownerWhat = "";
      try {
        [owner, ownerWhat] = ((text) => [Number.parseInt(text[0] ?? "", 10), text[1] ?? ""] as const)(
          readFileSync(file, "utf8").split("\n"),
        );
      } catch {
        continue; // removed between open and read: try again
      }
      if (!Number.isInteger(owner) || !isAlive(owner)) {
        rmSync(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new LabError(`the lab is busy: pid ${owner} holds ${file} (${ownerWhat})`);
      }
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}
