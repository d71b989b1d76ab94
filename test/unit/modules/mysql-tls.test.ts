import { describe, expect, it } from "vitest";
import { TlsRequiresArg, currentTls, desiredTls, requireSql, tlsText } from "../../../src/modules/mysql-tls.js";
import { mysql_user, planUser } from "../../../src/modules/mysql.js";

describe("tls_requires as Ansible reads it", () => {
  it("keys in any case; SUBJECT/ISSUER/CIPHER drop SSL and X509; X509 over SSL; empty is NONE", () => {
    expect(desiredTls(undefined)).toEqual({ kind: "NONE" });
    expect(desiredTls(null)).toEqual({ kind: "NONE" });
    expect(desiredTls({})).toEqual({ kind: "NONE" });
    expect(desiredTls({ ssl: null })).toEqual({ kind: "SSL" });
    expect(desiredTls({ SSL: null, x509: null })).toEqual({ kind: "X509" });
    expect(desiredTls({ x509: null, Subject: "/CN=a", cipher: "AES" })).toEqual({ kind: "SPECIFIED", subject: "/CN=a", issuer: undefined, cipher: "AES" });
  });

  it("refuses unknown requirements and valueless certificate checks", () => {
    expect(TlsRequiresArg.safeParse({ ssl: null, sni: "x" }).error?.issues[0]?.message).toMatch(/not a TLS requirement/);
    expect(TlsRequiresArg.safeParse({ subject: null }).error?.issues[0]?.message).toBe("SUBJECT needs a value");
    expect(TlsRequiresArg.safeParse(null).success).toBe(true);
  });

  it("reads mysql.user's columns into the same form", () => {
    expect(currentTls({ ssl_type: "", ssl_cipher: "", x509_issuer: "", x509_subject: "" })).toEqual({ kind: "NONE" });
    expect(currentTls(undefined)).toEqual({ kind: "NONE" });
    expect(currentTls({ ssl_type: "ANY", ssl_cipher: "", x509_issuer: "", x509_subject: "" })).toEqual({ kind: "SSL" });
    expect(currentTls({ ssl_type: "X509", ssl_cipher: null, x509_issuer: null, x509_subject: null })).toEqual({ kind: "X509" });
    const spec = currentTls({ ssl_type: "SPECIFIED", ssl_cipher: "AES", x509_issuer: "", x509_subject: "/CN=a" });
    expect(tlsText(spec)).toBe(tlsText(desiredTls({ subject: "/CN=a", cipher: "AES" })));
  });

  it("the REQUIRE clause quotes values as SQL strings", () => {
    expect(requireSql({ kind: "NONE" })).toBe("NONE");
    expect(requireSql(desiredTls({ cipher: "AES", issuer: "/O=It's", subject: "/CN=a" }))).toBe("SUBJECT '/CN=a' AND ISSUER '/O=It\\'s' AND CIPHER 'AES'");
  });
});

describe("mysql_user with tls_requires", () => {
  const base = { exists: true, methods: [{ plugin: "unix_socket", auth: "" }], privileges: new Map<string, Set<string>>() };
  const plan = (args: Record<string, unknown>, st: Parameters<typeof planUser>[1]) => planUser(mysql_user.args.parse({ name: "app", ...args }), st);

  it("creates with the REQUIRE clause", () => {
    const p = plan({ plugin: "unix_socket", tls_requires: { x509: null } }, { exists: false, methods: [], privileges: new Map(), tls: { kind: "NONE" } });
    expect(p.statements).toEqual(["CREATE USER 'app'@'localhost' IDENTIFIED VIA unix_socket REQUIRE X509"]);
  });

  it("alters only when the requirement differs; left out, a requirement is removed (as Ansible)", () => {
    const ssl = { ...base, tls: { kind: "SSL" as const } };
    expect(plan({ tls_requires: { SSL: null } }, ssl).statements).toEqual([]);
    expect(plan({ tls_requires: { x509: null } }, ssl).statements).toEqual(["ALTER USER 'app'@'localhost' REQUIRE X509"]);
    expect(plan({}, ssl).statements).toEqual(["ALTER USER 'app'@'localhost' REQUIRE NONE"]);
    expect(plan({}, ssl).summary).toEqual(["require SSL -> NONE"]);
    expect(plan({}, { ...base, tls: { kind: "NONE" } }).statements).toEqual([]);
    const spec = { ...base, tls: { kind: "SPECIFIED" as const, subject: "/CN=a", issuer: undefined, cipher: "AES" } };
    expect(plan({ tls_requires: { cipher: "AES", subject: "/CN=a" } }, spec).statements).toEqual([]);
    expect(plan({ tls_requires: { cipher: "AES" } }, spec).statements).toEqual(["ALTER USER 'app'@'localhost' REQUIRE CIPHER 'AES'"]);
  });

  it("the diff shows the requirement only when one side has one", () => {
    const args = mysql_user.args.parse({ name: "app", tls_requires: { ssl: null } });
    const change = mysql_user.diff(args, { ...base, tls: { kind: "NONE" } }, {} as never);
    expect(change?.diffs?.[0]?.before).toContain("tls_requires: NONE\n");
    expect(change?.diffs?.[0]?.after).toContain("tls_requires: SSL\n");
  });
});
