import { describe, expect, it } from "vitest";
import { serialBatches } from "../../../src/runner/serial.js";

/** h1..hN */
function hosts(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `h${i + 1}`);
}

/** Batch sizes only, which is what Ansible's serial decides. */
function sizes(n: number, serial: Parameters<typeof serialBatches>[1]): number[] {
  return serialBatches(hosts(n), serial).map((b) => b.length);
}

describe("serialBatches (Ansible `serial`)", () => {
  it("without serial runs every host in one batch", () => {
    expect(serialBatches(hosts(5), undefined)).toEqual([["h1", "h2", "h3", "h4", "h5"]]);
  });

  it("returns no batch at all for a play without hosts", () => {
    expect(serialBatches([], undefined)).toEqual([]);
    expect(serialBatches([], 2)).toEqual([]);
    expect(serialBatches([], "50%")).toEqual([]);
    expect(serialBatches([], [1, "20%"])).toEqual([]);
  });

  it("a number gives batches of that size, the last one short, hosts in order", () => {
    expect(serialBatches(hosts(7), 3)).toEqual([
      ["h1", "h2", "h3"],
      ["h4", "h5", "h6"],
      ["h7"],
    ]);
  });

  it("serial 1 is a rolling update, one host at a time", () => {
    expect(serialBatches(hosts(3), 1)).toEqual([["h1"], ["h2"], ["h3"]]);
  });

  it("a batch size larger than the play is one batch", () => {
    expect(serialBatches(hosts(3), 10)).toEqual([["h1", "h2", "h3"]]);
  });

  // Ansible: pct_to_int(value, num_items) = int((pct / 100.0) * num_items) or 1, against the
  // play's total host count. Expected sizes below were computed with that Python expression.
  it.each([
    ["30%", 10, [3, 3, 3, 1]],
    ["29%", 100, [28, 28, 28, 16]], // 0.29 * 100 == 28.999999999999996 → 28, as in Python
    ["50%", 5, [2, 2, 1]],
    ["33%", 3, [1, 1, 1]],
    ["10%", 5, [1, 1, 1, 1, 1]], // 0.5 rounds down to 0 → at least one host
    ["0%", 4, [1, 1, 1, 1]],
    ["57%", 7, [3, 3, 1]],
    ["100%", 6, [6]],
    ["1%", 1000, Array.from({ length: 100 }, () => 10)],
  ] as const)("percentage %s of %i hosts → batch sizes %j", (pct, n, expected) => {
    expect(sizes(n, pct)).toEqual(expected);
  });

  it("a list gives successive batch sizes and the last item repeats", () => {
    // Ansible docs example: serial: [1, 5, 10] → 1 host, then 5, then 10 at a time.
    expect(sizes(30, [1, 5, 10])).toEqual([1, 5, 10, 10, 4]);
    expect(serialBatches(hosts(8), [1, 2, 3])).toEqual([["h1"], ["h2", "h3"], ["h4", "h5", "h6"], ["h7", "h8"]]);
  });

  it("a list may mix counts and percentages (of the whole play, not of the remaining hosts)", () => {
    // docs: serial: ["10%", "20%", "100%"]; with 20 hosts: 2, 4, then 20 (all that remain).
    expect(sizes(20, ["10%", "20%", "100%"])).toEqual([2, 4, 14]);
    expect(sizes(10, [1, "50%"])).toEqual([1, 5, 4]);
  });

  it("a list that ends before the hosts do keeps using its last item", () => {
    expect(sizes(10, ["20%"])).toEqual([2, 2, 2, 2, 2]);
    expect(sizes(9, [2, 1])).toEqual([2, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("a list longer than needed stops when the hosts run out", () => {
    expect(sizes(4, [1, 1, 5, 7, 9])).toEqual([1, 1, 2]);
  });

  it("does not modify the host list it was given", () => {
    const list = hosts(4);
    const batches = serialBatches(list, 1);
    batches[0]?.push("intruder");
    expect(list).toEqual(["h1", "h2", "h3", "h4"]);
  });

  it("serial 0 means every host in one batch, as in Ansible (not an endless loop)", () => {
    // Ansible: `if serial <= 0: serialized_batches.append(all_hosts); break`
    expect(serialBatches(hosts(3), 0)).toEqual([["h1", "h2", "h3"]]);
    expect(serialBatches(hosts(5), [2, 0])).toEqual([["h1", "h2"], ["h3", "h4", "h5"]]);
  });

  it("an empty list means no serial, as in Ansible", () => {
    expect(serialBatches(hosts(3), [])).toEqual([["h1", "h2", "h3"]]);
  });

  it("a string without % is a count, not a percentage (pct_to_int only treats 'N%' as one)", () => {
    expect(sizes(10, "2")).toEqual([2, 2, 2, 2, 2]);
  });
});
