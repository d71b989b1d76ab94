import { describe, expect, it } from "vitest";
import { editSysctl, parseSysctlLine, sysctlValue } from "../../../src/modules/sysctl.js";

describe("sysctl.d file editing", () => {
  it("appends a missing key as key=value", () => {
    expect(editSysctl("", "net.ipv4.ip_nonlocal_bind", "1")).toEqual({ content: "net.ipv4.ip_nonlocal_bind=1\n", changed: true });
    expect(editSysctl("# comment\nnet.core.somaxconn = 1024", "net.ipv4.ip_forward", "1").content).toBe("# comment\nnet.core.somaxconn = 1024\nnet.ipv4.ip_forward=1\n");
  });

  it("leaves a right value alone however it is spelled", () => {
    const text = "  net.ipv4.ip_local_port_range =  1024\t65000 \n";
    expect(editSysctl(text, "net.ipv4.ip_local_port_range", "1024 65000")).toEqual({ content: text, changed: false, before: "1024\t65000" });
    expect(editSysctl("net/ipv4/ip_forward=1\n", "net.ipv4.ip_forward", "1").changed).toBe(false);
    expect(editSysctl("-net.ipv4.ip_forward = 1\n", "net.ipv4.ip_forward", "1").changed).toBe(false);
  });

  it("replaces a wrong value in place and keeps every other line byte for byte", () => {
    const text = "# keep\n; keep too\nnet.core.somaxconn = 128\nnet.ipv4.ip_forward = 0\n\nvm.swappiness=10\n";
    expect(editSysctl(text, "net.ipv4.ip_forward", "1")).toEqual({
      content: "# keep\n; keep too\nnet.core.somaxconn = 128\nnet.ipv4.ip_forward=1\n\nvm.swappiness=10\n",
      changed: true,
      before: "0",
    });
  });

  it("judges duplicates by the last one (it wins, as with sysctl) and leaves one line", () => {
    expect(editSysctl("a.b = 0\nx = 1\na.b = 1\n", "a.b", "1").changed).toBe(false);
    expect(editSysctl("a.b = 1\nx = 1\na.b = 0\n", "a.b", "1").content).toBe("a.b=1\nx = 1\n");
  });

  it("ignores commented-out keys", () => {
    expect(editSysctl("#net.ipv4.ip_forward=1\n", "net.ipv4.ip_forward", "1").content).toBe("#net.ipv4.ip_forward=1\nnet.ipv4.ip_forward=1\n");
  });

  it("state=absent removes every line of the key", () => {
    expect(editSysctl("a.b=1\nc=2\na/b = 3\n", "a.b", undefined)).toEqual({ content: "c=2\n", changed: true, before: "3" });
    expect(editSysctl("c=2\n", "a.b", undefined)).toEqual({ content: "c=2\n", changed: false });
  });

  it("is idempotent", () => {
    const once = editSysctl("x=1\nnet.core.somaxconn = 128\n", "net.core.somaxconn", "4096");
    expect(editSysctl(once.content, "net.core.somaxconn", "4096").changed).toBe(false);
  });

  it("parses lines and values", () => {
    expect(parseSysctlLine(" kernel.core_pattern = |/bin/x %p = y")).toEqual({ key: "kernel.core_pattern", value: "|/bin/x %p = y" });
    expect(parseSysctlLine("# a = b")).toBeUndefined();
    expect(parseSysctlLine("novalue")).toBeUndefined();
    expect(sysctlValue(" 4096\t87380  6291456\n")).toBe("4096 87380 6291456");
  });
});
