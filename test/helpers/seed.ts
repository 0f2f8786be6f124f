// Puts known state straight into a test's store, for cases a request cannot set up by itself: a
// refresh token whose value the test knows, an access token signed with the tenant's real key but
// already expired, timestamps moved into the past.
import Database from 'better-sqlite3'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { sha256Hex } from '../../src/security/secrets.js'
import type { RefreshTokenRecord } from '../../src/store/port.js'
import { openSqliteStore, SQLITE_FILE } from '../../src/store/sqlite.js'
import { JwtSigner } from '../../src/tokens/signer.js'

/** Runs SQL against the test's SQLite file (the app keeps its own connection open). */
export function sql (dataDir: string, statement: string, ...params: unknown[]): void {
  const db = new Database(path.join(dataDir, SQLITE_FILE))
  try {
    db.prepare(statement).run(...params)
  } finally {
    db.close()
  }
}

export async function seedRefreshToken (dataDir: string, token: string,
  fields: { tenant?: string, clientId: string, userId: string, scope: string, device?: string, audience?: string | null }): Promise<void> {
  const store = await openSqliteStore(dataDir)
  try {
    const tenant = await store.tenantByName(fields.tenant ?? 'acme')
    const now = Math.floor(Date.now() / 1000)
    const record: RefreshTokenRecord = {
      id: randomUUID(), tokenHash: sha256Hex(token), familyId: randomUUID(), tenantId: tenant!.id,
      clientId: fields.clientId, userId: fields.userId, device: fields.device ?? '', scope: fields.scope,
      createdAt: now, expiresAt: now + 3600, audience: fields.audience ?? null,
    }
    await store.insertRefreshToken(record)
  } finally {
    await store.close()
  }
}

/** Signs claims with the tenant's current key, as Tollgate would (typ at+jwt unless told otherwise). */
export async function signWithTenantKey (dataDir: string, claims: Record<string, unknown>, options: { tenant?: string, typ?: string } = {}): Promise<string> {
  const store = await openSqliteStore(dataDir)
  try {
    const tenant = await store.tenantByName(options.tenant ?? 'acme')
    const [key] = await store.signingKeys(tenant!.id)
    return new JwtSigner().sign(key, claims, { typ: options.typ ?? 'at+jwt' })
  } finally {
    await store.close()
  }
}
