// Signing-key rotation. A new key becomes current and signs from then on; the key it replaces
// becomes previous and stays in the JWKS until every token it signed has expired: its retire_after
// is the rotation time plus the longest lifetime of a token Tollgate signs, plus the clock
// tolerance verifiers allow. After that it is no longer published (tokens it signed stop
// verifying), and `tollgate keys prune` deletes it, private key and all.
import type { Config } from '../config.js'
import type { KeyStore, SigningKey, Tenant } from '../store/port.js'
import type { SigningAlgorithm } from './keys.js'
import { generateSigningKey } from './keys.js'

/**
 * How long a key must stay published after it stops signing. Every lifetime of a token signed with
 * a tenant key belongs here (a per-API access-token lifetime too, when there is one).
 */
export function keyOverlapSeconds (config: Pick<Config, 'tokens' | 'jwt'>): number {
  const { idTokenLifetime, accessTokenLifetime } = config.tokens
  return Math.max(idTokenLifetime, accessTokenLifetime) + config.jwt.clockTolerance
}

const now = () => Math.floor(Date.now() / 1000)

/** Makes `key` the tenant's current key; the current one becomes previous. Run it in a transaction. */
export async function makeCurrent (store: KeyStore, key: SigningKey, overlapSeconds: number): Promise<void> {
  await store.retireCurrentSigningKeys(key.tenantId, now() + overlapSeconds)
  await store.insertSigningKey({ ...key, status: 'current', retireAfter: null })
}

/** Generates a new current key for the tenant with `alg`; returns it. Run it in a transaction. */
export async function rotateSigningKey (store: KeyStore, tenant: Tenant, alg: SigningAlgorithm, overlapSeconds: number): Promise<SigningKey> {
  const key = generateSigningKey(tenant.id, alg)
  await makeCurrent(store, key, overlapSeconds)
  return key
}

/** Deletes the tenant's previous keys whose tokens have all expired; returns their kids. */
export async function pruneSigningKeys (store: KeyStore, tenant: Tenant): Promise<string[]> {
  return store.deleteRetiredSigningKeys(tenant.id, now())
}
