import { describe, expect, it } from "vitest";
import { Inbox } from "../../../src/remote/inbox.js";

// The shell's output buffer: what it finds must be what a search of the concatenated bytes finds,
// however the bytes were split into packets, however much was read before.

/** Feeds `text` in pieces of `size` bytes, searching after each as the shell does; returns the first hit. */
function feedAndSearch(inbox: Inbox, text: string, size: number, needle: Buffer): number {
  const bytes = Buffer.from(text);
  let hit = -1;
  for (let i = 0; i < bytes.length && hit < 0; i += size) {
    inbox.push(bytes.subarray(i, i + size));
    hit = inbox.indexOf(needle);
  }
  return hit;
}

describe("Inbox", () => {
  it("finds a mark split across packets at every split point and packet size", () => {
    const mark = Buffer.from("\n__DCV_abc_1:");
    const text = `${"x".repeat(300)}${mark.toString()}0\n`;
    for (let size = 1; size <= 40; size++) {
      const inbox = new Inbox(16);
      expect(feedAndSearch(inbox, text, size, mark)).toBe(300);
      expect(inbox.view().toString()).toBe(text.slice(0, inbox.length));
    }
  });

  it("reports the first occurrence when a repeated search resumes after a hit", () => {
    const inbox = new Inbox(8);
    const mark = Buffer.from("MARK");
    inbox.push(Buffer.from("aaMARKbb"));
    expect(inbox.indexOf(mark)).toBe(2);
    inbox.push(Buffer.from("MARK"));
    expect(inbox.indexOf(mark)).toBe(2);
    expect(inbox.indexOf(mark, 3)).toBe(8);
  });

  it("keeps unread bytes across drops, slides and growth; a new needle searches from the start", () => {
    const inbox = new Inbox(8);
    let all = "";
    for (let i = 0; i < 200; i++) {
      const piece = `<${i}>`;
      inbox.push(Buffer.from(piece));
      all += piece;
      if (i % 7 === 6) {
        const cut = all.indexOf(">") + 1;
        inbox.drop(cut);
        all = all.slice(cut);
      }
      expect(inbox.view().toString()).toBe(all);
    }
    expect(inbox.indexOf(Buffer.from("<150>"))).toBe(all.indexOf("<150>"));
    expect(inbox.indexOf(Buffer.from("<7>"))).toBe(-1);
  });

  it("gives back a buffer grown for a large output once it is read", () => {
    const inbox = new Inbox(16);
    inbox.push(Buffer.alloc(100_000, 0x61));
    inbox.push(Buffer.from("END"));
    const end = inbox.indexOf(Buffer.from("END"));
    expect(end).toBe(100_000);
    inbox.drop(end + 3);
    expect(inbox.length).toBe(0);
    inbox.push(Buffer.from("next"));
    expect(inbox.view().toString()).toBe("next");
    expect(inbox.view().buffer.byteLength).toBeLessThan(100_000);
  });
});
