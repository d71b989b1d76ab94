import type { RunEvent } from "../runner/events.js";

/**
 * A one-line status on a terminal (stderr, so stdout stays clean for pipes and logs): the play,
 * hosts finished of the play's hosts, and tasks done. Redrawn in place; erased at the end.
 */
export class ProgressLine {
  private play = "";
  private hosts = 0;
  private done = 0;
  private tasks = 0;
  private shown = false;

  constructor(private readonly write: (s: string) => void) {}

  handle = (e: RunEvent): void => {
    switch (e.type) {
      case "play-start":
        this.play = e.play;
        this.hosts = e.hosts.length;
        this.done = 0;
        break;
      case "task-end":
        this.tasks++;
        break;
      case "host-end":
        this.done++;
        break;
      case "play-end":
        this.clear();
        return;
      default:
        return;
    }
    this.write(`\r\x1b[K[${this.play}] ${this.done}/${this.hosts} hosts done, ${this.tasks} tasks`);
    this.shown = true;
  };

  clear(): void {
    if (this.shown) this.write("\r\x1b[K");
    this.shown = false;
  }
}

/**
 * The site's type-check on a terminal (stderr): "type-checking..." while it runs, replaced by
 * how long it took, or erased when it failed (the error follows).
 */
export class TypecheckLine {
  constructor(private readonly write: (s: string) => void) {}

  started(line: string): void {
    this.write(`\r\x1b[K${line}`);
  }

  ended(line: string | undefined): void {
    this.write(`\r\x1b[K${line === undefined ? "" : `${line}\n`}`);
  }
}
