import { describe, expect, it } from "vitest";
import {
  EMPTY_RECORD,
  formatHandlerRecord,
  handlerCatalogue,
  parseHandlerRecord,
  playKeys,
  reconcile,
  withPending,
  withoutPending,
} from "../../../src/runner/handler-record.js";
import { pendingHandlersPath } from "../../../src/runner/pending-handlers.js";

const entry = (play: string, role: string | null, handler: string) => ({ play, role, handler, since: "2025-01-01T00:00:00.000Z" });

describe("the pending-handlers record", () => {
  it("reads what it writes; an empty file or none is an empty record", () => {
    const r = withPending(withPending(EMPTY_RECORD, entry("web", "nginx", "reload nginx")), entry("web", null, "mark"));
    expect(parseHandlerRecord(formatHandlerRecord(r))).toEqual({ record: r });
    expect(parseHandlerRecord("")).toEqual({ record: EMPTY_RECORD });
  });

  it("a handler is pending once, with its first notification's time; removal matches play, role and name", () => {
    const first = withPending(EMPTY_RECORD, entry("web", "nginx", "reload nginx"));
    const again = withPending(first, { ...entry("web", "nginx", "reload nginx"), since: "2026-01-01T00:00:00.000Z" });
    expect(again.pending).toEqual([entry("web", "nginx", "reload nginx")]);
    const two = withPending(again, entry("web", null, "reload nginx"));
    expect(withoutPending(two, { play: "web", role: null, handler: "reload nginx" }).pending).toEqual([entry("web", "nginx", "reload nginx")]);
    expect(withoutPending(two, { play: "db", role: "nginx", handler: "reload nginx" }).pending).toHaveLength(2);
  });

  it("an unusable file is named as such and read as empty", () => {
    expect(parseHandlerRecord("{oops")).toMatchObject({ record: EMPTY_RECORD, problem: expect.stringMatching(/^not JSON/) });
    expect(parseHandlerRecord('{"version":2,"pending":[]}')).toMatchObject({ record: EMPTY_RECORD, problem: expect.stringMatching(/^version: /) });
    expect(parseHandlerRecord('{"version":1,"pending":[{"play":"p","role":null}]}')).toMatchObject({ problem: expect.stringMatching(/^pending\.0\.handler: /) });
  });

  it("plays sharing a name get distinct keys, stable as long as their order is", () => {
    expect(playKeys(["common", "web", "common", "common"])).toEqual(["common", "web", "common#2", "common#3"]);
  });

  it("keeps what names a handler the site still has; drops the rest with the reason", () => {
    const catalogue = handlerCatalogue([
      { key: "lb", handlers: [{ name: "reload haproxy", role: "haproxy" }, { name: "mark", role: null }, { name: "mark", role: "other" }] },
      { key: "web", handlers: [] },
    ]);
    const record = {
      version: 1 as const,
      pending: [
        entry("lb", "haproxy", "reload haproxy"),
        entry("lb", null, "mark"),
        entry("lb", "other", "mark"),
        entry("lb", "haproxy", "restart haproxy"),
        entry("gone", null, "x"),
      ],
    };
    const { kept, stale } = reconcile(record, catalogue);
    expect(kept).toEqual([entry("lb", "haproxy", "reload haproxy"), entry("lb", null, "mark")]);
    expect(stale.map((s) => s.why)).toEqual([
      `handler "mark" of play "lb" is now the play's own, not role other's`,
      `play "lb" has no handler "restart haproxy" any more`,
      `the site has no play "gone" any more`,
    ]);
  });

  it("one file per site and inventory host, the host's name made a safe file name", () => {
    expect(pendingHandlersPath("default", "web1")).toBe("pending-handlers/default/web1.json");
    expect(pendingHandlersPath("infra", "../x/y")).toBe("pending-handlers/infra/..%2Fx%2Fy.json");
  });
});
