import { z } from "zod";
import { sqlString } from "./mysql-output.js";

// An account's TLS requirement (REQUIRE NONE / SSL / X509 / SUBJECT, ISSUER, CIPHER), after
// community.mysql's tls_requires: what was asked for, what the server holds, compared in one
// canonical form. Pure: unit-tested.

const KEYS = ["SSL", "X509", "SUBJECT", "ISSUER", "CIPHER"] as const;

/**
 * Ansible's dictionary: keys in any case; SSL and X509 take no value (`x509:`), SUBJECT, ISSUER
 * and CIPHER a string. Empty or null: no requirement.
 */
export const TlsRequiresArg = z
  .record(z.string(), z.string().nullable())
  .nullable()
  .superRefine((r, ctx) => {
    for (const [k, v] of Object.entries(r ?? {})) {
      const key = k.toUpperCase();
      if (!(KEYS as readonly string[]).includes(key)) ctx.addIssue({ code: "custom", path: [k], message: `not a TLS requirement: ${KEYS.join(", ")} (any case)` });
      else if ((key === "SUBJECT" || key === "ISSUER" || key === "CIPHER") && (v === null || v === "")) ctx.addIssue({ code: "custom", path: [k], message: `${key} needs a value` });
    }
  });

export type TlsRequire =
  | { kind: "NONE" | "SSL" | "X509" }
  | { kind: "SPECIFIED"; subject?: string | undefined; issuer?: string | undefined; cipher?: string | undefined };

/**
 * What tls_requires asks for, as Ansible reads it: SUBJECT, ISSUER and CIPHER together when any
 * is given (SSL and X509 then dropped, the certificate checks imply them); else X509; else SSL.
 */
export function desiredTls(arg: Record<string, string | null> | null | undefined): TlsRequire {
  const r = new Map(Object.entries(arg ?? {}).map(([k, v]) => [k.toUpperCase(), v]));
  if (r.size === 0) return { kind: "NONE" };
  const specified = { subject: r.get("SUBJECT") ?? undefined, issuer: r.get("ISSUER") ?? undefined, cipher: r.get("CIPHER") ?? undefined };
  if (specified.subject !== undefined || specified.issuer !== undefined || specified.cipher !== undefined) return { kind: "SPECIFIED", ...specified };
  return { kind: r.has("X509") ? "X509" : "SSL" };
}

/** mysql.user's ssl_type (''/ANY/X509/SPECIFIED), ssl_cipher, x509_issuer, x509_subject. */
export function currentTls(row: Record<string, string | null> | undefined): TlsRequire {
  const type = row?.ssl_type ?? "";
  const nonEmpty = (v: string | null | undefined) => (v ? v : undefined);
  if (type === "ANY") return { kind: "SSL" };
  if (type === "X509") return { kind: "X509" };
  if (type === "SPECIFIED") return { kind: "SPECIFIED", subject: nonEmpty(row?.x509_subject), issuer: nonEmpty(row?.x509_issuer), cipher: nonEmpty(row?.ssl_cipher) };
  return { kind: "NONE" };
}

/** The REQUIRE clause's body: NONE, SSL, X509, or SUBJECT '...' AND ISSUER '...' AND CIPHER '...'. */
export function requireSql(t: TlsRequire): string {
  if (t.kind !== "SPECIFIED") return t.kind;
  const parts = [
    ...(t.subject !== undefined ? [`SUBJECT ${sqlString(t.subject)}`] : []),
    ...(t.issuer !== undefined ? [`ISSUER ${sqlString(t.issuer)}`] : []),
    ...(t.cipher !== undefined ? [`CIPHER ${sqlString(t.cipher)}`] : []),
  ];
  return parts.join(" AND ");
}

/** For diffs and comparison: the same requirement always reads the same. */
export function tlsText(t: TlsRequire): string {
  if (t.kind !== "SPECIFIED") return t.kind;
  return [
    ...(t.subject !== undefined ? [`SUBJECT ${JSON.stringify(t.subject)}`] : []),
    ...(t.issuer !== undefined ? [`ISSUER ${JSON.stringify(t.issuer)}`] : []),
    ...(t.cipher !== undefined ? [`CIPHER ${JSON.stringify(t.cipher)}`] : []),
  ].join(" AND ");
}
