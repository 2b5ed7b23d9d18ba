// API keys for admin operations and partners: shown once at creation, stored as SHA-256 hashes.
import { createHash, randomBytes } from "node:crypto";
import { UserError } from "../core/errors.ts";
import type { Sql } from "./client.ts";

export type KeyRole = "admin" | "partner";

export interface ApiKeyInfo {
  id: number;
  name: string;
  role: KeyRole;
}

const hash = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a key and returns its token: the only time the token exists outside its owner's hands. */
export async function createKey(sql: Sql, name: string, role: KeyRole): Promise<string> {
  if (!/^[\w.-]{1,64}$/.test(name))
    throw new UserError(`key name "${name}" must be 1-64 letters, digits, dots, dashes or underscores`);
  if (role !== "admin" && role !== "partner") throw new UserError(`key role must be admin or partner, got "${role}"`);
  const token = `ogs_${role}_${randomBytes(24).toString("base64url")}`;
  const existing = await sql.query(`select 1 from api_key where name = $1`, [name]);
  if (existing.length) throw new UserError(`a key named "${name}" exists already`);
  await sql.query(`insert into api_key (name, role, prefix, hash) values ($1, $2, $3, $4)`, [
    name,
    role,
    token.slice(0, 14),
    hash(token),
  ]);
  return token;
}

/** The key a token belongs to, if valid and not revoked; counts its use. */
export async function verifyKey(sql: Sql, token: string): Promise<ApiKeyInfo | null> {
  if (!token.startsWith("ogs_") || token.length > 200) return null;
  const rows = await sql.query<ApiKeyInfo>(
    `update api_key set last_used_at = now(), requests = requests + 1
     where hash = $1 and revoked_at is null returning id, name, role`,
    [hash(token)],
  );
  return rows[0] ?? null;
}

export async function revokeKey(sql: Sql, name: string): Promise<void> {
  const rows = await sql.query(
    `update api_key set revoked_at = now() where name = $1 and revoked_at is null returning id`,
    [name],
  );
  if (!rows.length) throw new UserError(`no active key named "${name}"`);
}

export async function listKeys(sql: Sql) {
  return sql.query<{ name: string; role: string; prefix: string; created: string; revoked: string; requests: number }>(
    `select name, role, prefix || '…' as prefix, to_char(created_at, 'YYYY-MM-DD HH24:MI') as created,
       coalesce(to_char(revoked_at, 'YYYY-MM-DD HH24:MI'), '') as revoked, requests,
       coalesce(to_char(last_used_at, 'YYYY-MM-DD HH24:MI'), 'never') as "last used"
     from api_key order by id`,
  );
}
