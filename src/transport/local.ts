import { spawn as spawnChild } from "node:child_process";
import type { Connection, ProcessChannel } from "./types.js";

/** The control node as a host (`ansible_connection: local`, delegate_to localhost). */
export class LocalConnection implements Connection {
  readonly kind = "local";
  readonly lost: Promise<Error | undefined>;
  private closeLost: (e: Error | undefined) => void = () => undefined;
  private readonly children = new Set<ReturnType<typeof spawnChild>>();

  constructor(readonly host = "localhost") {
    this.lost = new Promise((resolve) => (this.closeLost = resolve));
  }

  async spawn(command: string): Promise<ProcessChannel> {
    const child = spawnChild("/bin/sh", ["-c", command], { stdio: ["pipe", "pipe", "pipe"] });
    this.children.add(child);
    const exited = new Promise<number | null>((resolve) => {
      child.on("error", () => resolve(null));
      child.on("close", (code) => {
        this.children.delete(child);
        resolve(code);
      });
    });
    child.stdin.on("error", () => undefined); // a process that exits early is judged by its exit code
    return { stdin: child.stdin, stdout: child.stdout, stderr: child.stderr, exited, kill: () => child.kill("SIGKILL") };
  }

  async close(): Promise<void> {
    for (const c of this.children) c.kill("SIGKILL");
    this.closeLost(undefined);
  }
}
