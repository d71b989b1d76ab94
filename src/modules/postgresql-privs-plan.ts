import { pgIdent, pgString } from "./postgres-sql.js";

// postgresql_privs' pure part: which GRANT and REVOKE statements bring the privileges of some
// roles on some objects to what the task asks, decided from the objects' ACLs as the probe read
// them (aclexplode of the ACL, or of the built-in default when the ACL is still NULL).

export type ObjType = "database" | "schema" | "table" | "sequence" | "group";

/** One privilege a role holds on an object: "SELECT", with or without the grant option. */
export interface Held {
  grantee: string;
  privilege: string;
  grantable: boolean;
}

/** An object as probed: its name and who holds what on it (for a group: members, admin option as grantable). */
export interface ObjAcl {
  name: string;
  acl: Held[];
}

export interface PrivsRequest {
  type: ObjType;
  state: "present" | "absent";
  /** Upper-case, TEMP spelled TEMPORARY, ALL expanded; empty for groups. */
  privs: string[];
  roles: string[];
  /** The schema of tables and sequences. */
  schema: string;
  /** true: grant with grant (admin) option; false: revoke it; undefined: leave it. */
  grantOption: boolean | undefined;
}

/** Privileges Ansible accepts, per type; ALL is every privilege the object type has. */
export const VALID_PRIVS: Readonly<Record<Exclude<ObjType, "group">, readonly string[]>> = {
  database: ["CREATE", "CONNECT", "TEMPORARY"],
  schema: ["CREATE", "USAGE"],
  table: ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER", "MAINTAIN"],
  sequence: ["SELECT", "UPDATE", "USAGE"],
};

/**
 * "select, temp" -> ["SELECT", "TEMPORARY"]. ALL becomes `all`, every privilege the server has
 * for the type (read from its own default ACL, so a newer server's privileges are included).
 */
export function parsePrivs(privs: string, type: Exclude<ObjType, "group">, all: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of privs.split(",")) {
    const p = raw.trim().toUpperCase();
    if (p === "") continue;
    if (p === "ALL" || p === "ALL PRIVILEGES") for (const a of all) out.add(a);
    else if (p === "TEMP") out.add("TEMPORARY");
    else if (VALID_PRIVS[type].includes(p)) out.add(p);
    else throw new Error(`invalid privilege for type ${type}: ${raw.trim()} (valid: ${VALID_PRIVS[type].join(", ")}, ALL)`);
  }
  return [...out];
}

/** Ansible's comma-separated lists (roles, objs), or a YAML list. */
export function listArg(v: string | readonly string[]): string[] {
  return (typeof v === "string" ? v.split(",") : [...v]).map((s) => s.trim()).filter((s) => s !== "");
}

/** The SQL for a role: PUBLIC is a keyword, every other name an identifier. */
export const granteeSql = (role: string) => (role === "PUBLIC" ? "PUBLIC" : pgIdent(role));

/** The object as GRANT names it. */
export function objectSql(type: ObjType, schema: string, name: string): string {
  if (type === "group") return pgIdent(name);
  const id = type === "table" || type === "sequence" ? `${pgIdent(schema)}.${pgIdent(name)}` : pgIdent(name);
  return `${type.toUpperCase()} ${id}`;
}

export interface PrivsPlan {
  statements: string[];
  /** The ACLs of the objects for the roles asked about, after the statements. */
  after: ObjAcl[];
}

const SORT = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The statements, one object and role at a time, in a stable order. */
export function planPrivs(req: PrivsRequest, objects: readonly ObjAcl[]): PrivsPlan {
  const statements: string[] = [];
  const after: ObjAcl[] = [];
  for (const obj of objects) {
    const acl = obj.acl.map((h) => ({ ...h }));
    const on = objectSql(req.type, req.schema, obj.name);
    for (const role of req.roles) {
      const mine = acl.filter((h) => h.grantee === role);
      const to = granteeSql(role);
      if (req.type === "group") {
        const member = mine[0];
        if (req.state === "absent") {
          if (member) statements.push(`REVOKE ${on} FROM ${to}`);
          remove(acl, (h) => h.grantee === role);
        } else if (!member || (req.grantOption === true && !member.grantable)) {
          statements.push(`GRANT ${on} TO ${to}${req.grantOption === true ? ` WITH ADMIN OPTION` : ""}`);
          if (member) member.grantable = true;
          else acl.push({ grantee: role, privilege: "MEMBER", grantable: req.grantOption === true });
        } else if (req.grantOption === false && member.grantable) {
          statements.push(`REVOKE ADMIN OPTION FOR ${on} FROM ${to}`);
          member.grantable = false;
        }
        continue;
      }
      const held = new Map(mine.map((h) => [h.privilege, h]));
      if (req.state === "absent") {
        const revoke = req.privs.filter((p) => held.has(p));
        if (revoke.length > 0) statements.push(`REVOKE ${revoke.join(", ")} ON ${on} FROM ${to}`);
        remove(acl, (h) => h.grantee === role && revoke.includes(h.privilege));
        continue;
      }
      const grant = req.privs.filter((p) => !held.has(p) || (req.grantOption === true && held.get(p)?.grantable === false));
      if (grant.length > 0) statements.push(`GRANT ${grant.join(", ")} ON ${on} TO ${to}${req.grantOption === true ? " WITH GRANT OPTION" : ""}`);
      for (const p of grant) {
        const h = held.get(p);
        if (h) h.grantable = true;
        else acl.push({ grantee: role, privilege: p, grantable: req.grantOption === true });
      }
      if (req.grantOption === false) {
        const drop = req.privs.filter((p) => held.get(p)?.grantable === true);
        if (drop.length > 0) statements.push(`REVOKE GRANT OPTION FOR ${drop.join(", ")} ON ${on} FROM ${to}`);
        for (const p of drop) {
          const h = held.get(p);
          if (h) h.grantable = false;
        }
      }
    }
    after.push({ name: obj.name, acl });
  }
  return { statements, after };
}

function remove<T>(list: T[], drop: (t: T) => boolean): void {
  for (let i = list.length - 1; i >= 0; i--) if (drop(list[i] as T)) list.splice(i, 1);
}

/**
 * The ACLs as --diff text, for the roles asked about only: one line per object and role,
 * "*" after a privilege held with the grant (admin) option.
 */
export function aclText(req: PrivsRequest, objects: readonly ObjAcl[]): string {
  const lines: string[] = [];
  for (const obj of objects) {
    for (const role of req.roles) {
      const held = obj.acl.filter((h) => h.grantee === role);
      const words = held.map((h) => `${h.privilege}${h.grantable ? "*" : ""}`).sort(SORT);
      const what = req.type === "group" ? `role ${obj.name}` : `${req.type} ${req.type === "table" || req.type === "sequence" ? `${req.schema}.` : ""}${obj.name}`;
      lines.push(`${what}: ${role}: ${words.length > 0 ? words.join(", ") : "(none)"}`);
    }
  }
  return lines.length > 0 ? `${lines.join("\n")}\n` : "(no objects)\n";
}

/** SQL for a text array of names. */
export const textArray = (names: readonly string[]) => `ARRAY[${names.map(pgString).join(", ")}]::text[]`;
