// `tollgate apply`: makes the store hold what a provisioning file declares. All of it is checked
// before anything is written, and it is written in one transaction: a bad file changes nothing.
// Applying the same file twice changes nothing the second time.
import { Value, type ValueError } from '@sinclair/typebox/value'
import { randomBytes, randomUUID, type JsonWebKey } from 'node:crypto'
import { isDeepStrictEqual } from 'node:util'
import { ProvisioningFile, type ProvisionedUserEntry, type ProvisioningDocument } from '../../schemas/provisioning.js'
import { findDottedField } from '../dotted-fields.js'
import { invalidIpEntry } from '../security/ip-list.js'
import type { PasswordHasher } from '../security/password-hasher.js'
import { DEFAULT_PASSWORD_POLICY, describePolicy, satisfiesPolicy } from '../security/password-policy.js'
import { sha256Hex } from '../security/secrets.js'
import type { Client, ClientGrant, Connection, PasswordPolicy, ProvisioningStore, ResourceServer, Store, Tenant, User } from '../store/port.js'
import { toAttackProtectionOverrides } from './attack-protection.js'
import { defaults } from '../config.js'
import { OIDC_SCOPES } from '../tokens/audience.js'
import { generateSigningKey, importSigningKey, KeyImportError, type SigningAlgorithm } from '../tokens/keys.js'
import { keyOverlapSeconds, makeCurrent, rotateSigningKey } from '../tokens/key-rotation.js'
import { KeyError, verificationKeyFromJwk } from '../tokens/public-keys.js'

export class ProvisioningError extends Error {
  constructor (readonly path: string, message: string) {
    super(`${path}: ${message}`)
  }
}

export interface ApplyReport {
  created: number
  updated: number
  unchanged: number
}

/** Checks a parsed file against the schema and its own references; throws naming the bad path. */
/** A schema error in words; for a choice of fixed values, the values allowed and the one given. */
function explainError (error: ValueError): string {
  const choices = (error.schema as { anyOf?: Array<{ const?: unknown }> }).anyOf?.map((s) => s.const)
  if (choices && choices.length > 0 && choices.every((c) => typeof c === 'string')) {
    return `${JSON.stringify(error.value)} is not allowed: use one of ${choices.join(', ')}`
  }
  return error.message
}

export function checkDocument (input: unknown): ProvisioningDocument {
  const withDefaults = Value.Default(ProvisioningFile, structuredClone(input))
  const [first] = Value.Errors(ProvisioningFile, withDefaults)
  if (first) throw new ProvisioningError(first.path || '/', explainError(first))
  const doc = withDefaults as ProvisioningDocument
  const seenHosts = new Map<string, string>()
  doc.tenants.forEach((tenant, t) => {
    for (const host of tenant.hosts) {
      const other = seenHosts.get(host.toLowerCase())
      if (other) throw new ProvisioningError(`/tenants/${t}/hosts`, `host ${host} is already served by tenant ${other}`)
      seenHosts.set(host.toLowerCase(), tenant.name)
    }
    const badEntry = invalidIpEntry(tenant.attack_protection?.allow_list ?? [])
    if (badEntry !== undefined) throw new ProvisioningError(`/tenants/${t}/attack_protection/allow_list`, `${badEntry} is not an address or a CIDR`)
    if (tenant.email?.provider === 'smtp' && !tenant.email.smtp) throw new ProvisioningError(`/tenants/${t}/email/smtp`, 'is required when provider is smtp')
    if (tenant.email?.smtp && tenant.email.provider !== 'smtp') throw new ProvisioningError(`/tenants/${t}/email/provider`, 'must be smtp when smtp settings are given')
    const clientIds = new Set(tenant.clients.map((c) => c.client_id))
    const connectionNames = new Set(tenant.connections.map((c) => c.name))
    tenant.connections.forEach((connection, c) => {
      if (connection.options?.delivery && connection.strategy !== 'sms' && connection.strategy !== 'email') {
        throw new ProvisioningError(`/tenants/${t}/connections/${c}/options/delivery`, 'only sms and email connections deliver codes')
      }
      connection.enabled_clients.forEach((clientId, i) => {
        if (!clientIds.has(clientId)) {
          throw new ProvisioningError(`/tenants/${t}/connections/${c}/enabled_clients/${i}`, `no client ${clientId} in this tenant`)
        }
      })
    })
    if (tenant.default_connection !== undefined && !connectionNames.has(tenant.default_connection)) {
      throw new ProvisioningError(`/tenants/${t}/default_connection`, `no connection ${tenant.default_connection} in this tenant`)
    }
    tenant.clients.forEach((client, c) => {
      const usesSecret = (client.token_endpoint_auth_methods ?? []).some((m) => m.startsWith('client_secret_'))
      if (usesSecret && client.client_secret === undefined) {
        throw new ProvisioningError(`/tenants/${t}/clients/${c}/client_secret`, 'the client authenticates with a secret but has none')
      }
      checkClientKeys(client, `/tenants/${t}/clients/${c}`)
    })
    if (tenant.signing_key !== undefined) {
      const path = `/tenants/${t}/signing_key`
      const key = importedKey(tenant.signing_key, path)
      if (tenant.signing_alg !== undefined && tenant.signing_alg !== key.alg) {
        throw new ProvisioningError(path, `the key signs ${key.alg}, but signing_alg is ${tenant.signing_alg}`)
      }
    }
    checkApis(tenant, t)
    tenant.users.forEach((user, u) => {
      const path = `/tenants/${t}/users/${u}`
      if (!connectionNames.has(user.connection)) throw new ProvisioningError(`${path}/connection`, `no connection ${user.connection} in this tenant`)
      if (!user.email && !user.username && !user.phone_number) throw new ProvisioningError(path, 'a user needs an email, a username or a phone_number')
      const dotted = findDottedField({ user_metadata: user.user_metadata, app_metadata: user.app_metadata })
      if (dotted) throw new ProvisioningError(path, `Fields with "." are not allowed: ${dotted}`)
      if (user.password !== undefined && user.password_hash !== undefined) throw new ProvisioningError(path, 'give password or password_hash, not both')
    })
  })
  return doc
}

/** Client keys: public, readable, pinned to an algorithm, told apart by kid. */
function checkClientKeys (client: ProvisioningDocument['tenants'][number]['clients'][number], path: string): void {
  if (client.jwks !== undefined && client.jwks_uri !== undefined) throw new ProvisioningError(`${path}/jwks_uri`, 'give jwks or jwks_uri, not both')
  const kids = new Set<string>()
  client.jwks?.keys.forEach((jwk, k) => {
    let kid: string | undefined
    try {
      kid = verificationKeyFromJwk(jwk as JsonWebKey).kid
    } catch (err) {
      if (err instanceof KeyError) throw new ProvisioningError(`${path}/jwks/keys/${k}`, err.message)
      throw err
    }
    if (kid === undefined && client.jwks!.keys.length > 1) throw new ProvisioningError(`${path}/jwks/keys/${k}`, 'with several keys, each needs a kid')
    if (kid !== undefined && kids.has(kid)) throw new ProvisioningError(`${path}/jwks/keys/${k}/kid`, `kid ${kid} is given twice`)
    if (kid !== undefined) kids.add(kid)
  })
  if ((client.token_endpoint_auth_methods ?? []).includes('private_key_jwt') && !client.jwks && !client.jwks_uri) {
    throw new ProvisioningError(`${path}/jwks`, 'the client authenticates with private_key_jwt but has no jwks or jwks_uri')
  }
}

type SigningKeySource = NonNullable<ProvisioningDocument['tenants'][number]['signing_key']>

function importedKey (source: SigningKeySource, path: string, tenantId = '') {
  try {
    return importSigningKey(tenantId, source)
  } catch (err) {
    if (err instanceof KeyImportError) throw new ProvisioningError(path, err.message)
    throw err
  }
}

export interface ApplyOptions {
  /** How long a replaced signing key stays published (see keyOverlapSeconds). */
  keyOverlapSeconds?: number
  /** Told, once the file is applied, of each new user declared with verify_email: true (it sends the link). */
  onUserToVerify?: (tenant: string, userId: string) => Promise<void>
  /** Apply clear passwords that fail their connection's password policy, with a warning each. */
  allowWeakPasswords?: boolean
  /** Told what is applied although unwise (a weak password, with allowWeakPasswords). */
  warn?: (message: string) => void
}

/** Clear passwords are held to their connection's password policy, as signup holds them. */
function checkPasswords (doc: ProvisioningDocument, allowWeak: boolean, warn: (message: string) => void): void {
  doc.tenants.forEach((tenant, t) => {
    tenant.users.forEach((user, u) => {
      if (user.password === undefined) return
      const connection = tenant.connections.find((c) => c.name === user.connection)
      const policy = (connection?.options as { password_policy?: PasswordPolicy } | undefined)?.password_policy ?? DEFAULT_PASSWORD_POLICY
      if (satisfiesPolicy(policy, user.password)) return
      const path = `/tenants/${t}/users/${u}/password`
      const problem = `the password does not satisfy the password policy of connection ${user.connection}: ${describePolicy(policy)}`
      if (!allowWeak) throw new ProvisioningError(path, `${problem} (--allow-weak-passwords applies it anyway)`)
      warn(`${path}: ${problem}`)
    })
  })
}

/** APIs, client grants, and the clients that use client_credentials. */
function checkApis (tenant: ProvisioningDocument['tenants'][number], t: number): void {
  const apis = new Map<string, Set<string>>()
  ;(tenant.apis ?? []).forEach((api, a) => {
    const path = `/tenants/${t}/apis/${a}`
    if (apis.has(api.identifier)) throw new ProvisioningError(`${path}/identifier`, `API ${api.identifier} is declared twice`)
    const oidc = api.scopes.find((s) => OIDC_SCOPES.includes(s))
    if (oidc) throw new ProvisioningError(`${path}/scopes`, `${oidc} is an OpenID Connect scope, not an API scope`)
    apis.set(api.identifier, new Set(api.scopes))
  })
  const clients = new Map(tenant.clients.map((c) => [c.client_id, c]))
  tenant.clients.forEach((client, c) => {
    const methods = client.token_endpoint_auth_methods ?? (client.client_secret === undefined ? ['none'] : [])
    if (client.grant_types.includes('client_credentials') && methods.includes('none')) {
      throw new ProvisioningError(`/tenants/${t}/clients/${c}/grant_types`, 'client_credentials needs a client that authenticates (a secret or private_key_jwt)')
    }
    // A client_id alone proves nothing: anyone could name the user's IP with it.
    if (client.token_endpoint_ip_header_trusted && methods.includes('none')) {
      throw new ProvisioningError(`/tenants/${t}/clients/${c}/token_endpoint_ip_header_trusted`,
        'only a client that authenticates (a secret or private_key_jwt) may be trusted to forward IPs')
    }
  })
  const seen = new Set<string>()
  ;(tenant.client_grants ?? []).forEach((grant, g) => {
    const path = `/tenants/${t}/client_grants/${g}`
    if (!clients.has(grant.client_id)) throw new ProvisioningError(`${path}/client_id`, `no client ${grant.client_id} in this tenant`)
    const scopes = apis.get(grant.audience)
    if (!scopes) throw new ProvisioningError(`${path}/audience`, `no API ${grant.audience} in this tenant`)
    const unknown = grant.scope.find((s) => !scopes.has(s))
    if (unknown) throw new ProvisioningError(`${path}/scope`, `the API ${grant.audience} does not define ${unknown}`)
    const key = `${grant.client_id} ${grant.audience}`
    if (seen.has(key)) throw new ProvisioningError(path, `client ${grant.client_id} already has a grant for ${grant.audience}`)
    seen.add(key)
  })
}

export async function applyDocument (store: Store, hasher: PasswordHasher, input: unknown, options: ApplyOptions = {}): Promise<ApplyReport> {
  const doc = checkDocument(input)
  const overlap = options.keyOverlapSeconds ?? keyOverlapSeconds(defaults)
  const report: ApplyReport = { created: 0, updated: 0, unchanged: 0 }
  checkPasswords(doc, options.allowWeakPasswords ?? false, options.warn ?? (() => {}))
  const verificationsDue: Array<{ tenant: string, userId: string }> = []
  const count = (before: unknown, after: unknown) => {
    if (before === undefined) report.created++
    else if (isDeepStrictEqual(before, after)) report.unchanged++
    else report.updated++
    return !isDeepStrictEqual(before, after)
  }

  // Passwords are hashed before the transaction opens: a transaction is never held across argon2.
  const passwordHashes = await hashPasswords(store, hasher, doc)
  await store.transaction(async (tx) => {
    for (const [t, entry] of doc.tenants.entries()) {
      const path = `/tenants/${t}`
      const existing = await tx.tenantByName(entry.name)
      const tenant: Tenant = {
        id: existing?.id ?? randomUUID(),
        name: entry.name,
        isDefault: entry.default ?? false,
        publicUrl: entry.public_url ?? null,
        signingAlg: entry.signing_alg ?? (entry.signing_key && importedKey(entry.signing_key, `${path}/signing_key`).alg) ??
          existing?.signingAlg ?? 'RS256',
        defaultConnection: entry.default_connection ?? null,
        attackProtection: toAttackProtectionOverrides(entry.attack_protection),
        ...(entry.email ? { email: entry.email } : {}),
        ...(entry.mfa ? { mfa: { policy: entry.mfa.policy, factors: entry.mfa.factors ?? ['otp'], ...(entry.mfa.sms_delivery ? { smsDelivery: entry.mfa.sms_delivery } : {}) } } : {}),
      }
      const taken = await tx.hostsOfOtherTenants(tenant.id, entry.hosts)
      if (taken.length > 0) throw new ProvisioningError(`${path}/hosts`, `host ${taken[0]} is already served by another tenant`)
      const hosts = [...entry.hosts].map((h) => h.toLowerCase()).sort()
      if (count(existing && { ...existing, hosts: await hostsOf(tx, existing) }, { ...tenant, hosts })) await tx.upsertTenant(tenant, hosts)

      await applySigningKey(tx, tenant, entry, overlap, `${path}/signing_key`, report)

      const connectionIds = new Map<string, string>()
      for (const c of entry.connections) {
        const before = await tx.connectionByName(tenant.id, c.name)
        const connection: Connection = {
          id: before?.id ?? randomUUID(),
          tenantId: tenant.id,
          name: c.name,
          strategy: c.strategy,
          enabledClients: c.enabled_clients,
          options: c.options ?? {},
        }
        connectionIds.set(c.name, connection.id)
        if (count(before, connection)) await tx.upsertConnection(connection)
      }

      for (const [i, c] of entry.clients.entries()) {
        const owner = await tx.tenantIdOfClient(c.client_id)
        if (owner !== undefined && owner !== tenant.id) {
          throw new ProvisioningError(`${path}/clients/${i}/client_id`, `client ${c.client_id} belongs to another tenant`)
        }
        const before = await tx.clientById(tenant.id, c.client_id)
        const client: Client = {
          clientId: c.client_id,
          tenantId: tenant.id,
          name: c.name,
          type: c.type,
          grantTypes: c.grant_types,
          webOrigins: c.web_origins ?? [],
          secretHash: c.client_secret === undefined ? null : sha256Hex(c.client_secret),
          authMethods: c.token_endpoint_auth_methods ??
            (c.client_secret === undefined ? ['none'] : ['client_secret_post', 'client_secret_basic']),
          requireEmailVerified: c.require_email_verified ?? false,
          callbacks: c.callbacks ?? [],
          jwks: (c.jwks as Client['jwks']) ?? null,
          jwksUri: c.jwks_uri ?? null,
          trustForwardedIp: c.token_endpoint_ip_header_trusted ?? false,
          mfaPolicy: c.mfa_policy ?? null,
        }
        if (count(before, client)) await tx.upsertClient(client)
      }

      for (const a of entry.apis ?? []) {
        const before = await tx.resourceServerByIdentifier(tenant.id, a.identifier)
        const api: ResourceServer = {
          id: before?.id ?? randomUUID(),
          tenantId: tenant.id,
          identifier: a.identifier,
          name: a.name,
          scopes: a.scopes,
          // Auth0's default access token lifetime for an API: 24 hours.
          tokenLifetime: a.token_lifetime ?? 86400,
          allowOfflineAccess: a.allow_offline_access ?? false,
        }
        if (count(before, api)) await tx.upsertResourceServer(api)
      }

      for (const g of entry.client_grants ?? []) {
        const before = await tx.clientGrant(tenant.id, g.client_id, g.audience)
        const grant: ClientGrant = {
          tenantId: tenant.id, clientId: g.client_id, audience: g.audience, scopes: g.scope, actForUsers: g.act_for_users ?? false,
        }
        if (count(before, grant)) await tx.upsertClientGrant(grant)
      }

      for (const u of entry.users) {
        const connectionId = connectionIds.get(u.connection)!
        const before = await tx.userByLogin(connectionId, u.email ?? u.username ?? u.phone_number!)
        const user = provisionedUser(tenant.id, connectionId, u, before, passwordHashes.get(u))
        if (before === undefined) {
          report.created++
          await tx.insertUser(user)
          if (u.verify_email && user.email && !user.emailVerified) verificationsDue.push({ tenant: tenant.name, userId: user.id })
        } else if (isDeepStrictEqual({ ...before, updatedAt: 0 }, { ...user, updatedAt: 0 })) {
          report.unchanged++
        } else {
          report.updated++
          await tx.updateUser(user)
          // A new password or a block ends the user's login sessions (their refresh tokens and id_tokens).
          if (user.passwordHash !== before.passwordHash || (user.blocked && !before.blocked)) {
            await tx.endLoginSessionsOfUser(tenant.id, user.id, Math.floor(Date.now() / 1000))
          }
        }
      }
    }
  })
  for (const { tenant, userId } of verificationsDue) await options.onUserToVerify?.(tenant, userId)
  return report
}

/**
 * The tenant's current signing key: an imported key the store does not hold yet becomes current;
 * else a signing_alg the current key does not match rotates to a new key of that algorithm; else a
 * tenant without a key gets one. A replaced key stays published until its tokens have expired.
 */
async function applySigningKey (tx: ProvisioningStore, tenant: Tenant, entry: ProvisioningDocument['tenants'][number],
  overlap: number, path: string, report: ApplyReport): Promise<void> {
  const current = (await tx.signingKeys(tenant.id)).find((k) => k.status === 'current')
  if (entry.signing_key !== undefined) {
    const key = importedKey(entry.signing_key, path, tenant.id)
    const owner = await tx.tenantIdOfSigningKey(key.kid)
    if (owner !== undefined && owner !== tenant.id) throw new ProvisioningError(path, `kid ${key.kid} is already used by another tenant`)
    // Imported once: a key the store holds, current or previous, is left as it is (after a rotation
    // and `keys prune`, take it out of the file, or it is imported again).
    if (owner === undefined) {
      await makeCurrent(tx, key, overlap)
      report.created++
      return
    }
  }
  if (!current) {
    await tx.insertSigningKey(generateSigningKey(tenant.id, tenant.signingAlg as SigningAlgorithm))
  } else if (entry.signing_alg !== undefined && entry.signing_key === undefined && current.alg !== entry.signing_alg) {
    await rotateSigningKey(tx, tenant, entry.signing_alg, overlap)
    report.updated++
  }
}

async function hostsOf (tx: ProvisioningStore, tenant: Tenant): Promise<string[]> {
  return (await tx.hostsOfTenant(tenant.id)).sort()
}

/**
 * A hash of each user's declared password: the stored one when it already matches (so that applying
 * again changes nothing), else a new one. Read outside the transaction; whatever the store holds by
 * the time the transaction runs, the hash is one of the declared password.
 */
async function hashPasswords (store: Store, hasher: PasswordHasher, doc: ProvisioningDocument): Promise<Map<ProvisionedUserEntry, string>> {
  const hashes = new Map<ProvisionedUserEntry, string>()
  for (const entry of doc.tenants) {
    const tenant = await store.tenantByName(entry.name)
    for (const u of entry.users) {
      if (u.password === undefined) continue
      const connection = tenant && await store.connectionByName(tenant.id, u.connection)
      const stored = connection ? (await store.userByLogin(connection.id, u.email ?? u.username ?? u.phone_number!))?.passwordHash : undefined
      const matches = typeof stored === 'string' && await hasher.verify(stored, u.password)
      hashes.set(u, matches ? stored : await hasher.hash(u.password))
    }
  }
  return hashes
}

function provisionedUser (tenantId: string, connectionId: string, u: ProvisionedUserEntry, before: User | undefined,
  declaredPasswordHash: string | undefined): User {
  const now = Math.floor(Date.now() / 1000)
  const passwordHash = u.password_hash ?? declaredPasswordHash ?? before?.passwordHash ?? null
  const profile = Object.fromEntries(
    (['name', 'nickname', 'picture', 'given_name', 'family_name'] as const)
      .filter((k) => u[k] !== undefined).map((k) => [k, u[k]]))
  return {
    id: before?.id ?? u.user_id ?? `auth0|${randomBytes(12).toString('hex')}`,
    tenantId,
    connectionId,
    email: u.email?.toLowerCase() ?? null,
    username: u.username ?? null,
    phoneNumber: u.phone_number ?? null,
    emailVerified: u.email_verified ?? before?.emailVerified ?? false,
    passwordHash,
    blocked: u.blocked ?? false,
    profile,
    userMetadata: u.user_metadata ?? {},
    appMetadata: u.app_metadata ?? {},
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    sessionsValidAfter: before?.sessionsValidAfter ?? null,
  }
}
