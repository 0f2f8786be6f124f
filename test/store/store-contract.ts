// The contract every store adapter keeps: each method of the storage port (src/store/port.ts), and
// what must hold when requests race on several instances. store-sqlite.test.ts runs it on a real
// SQLite file, store-postgres.test.ts on a real PostgreSQL; attack state has its own contract.
import { randomUUID } from 'node:crypto'
import type { Test } from 'tap'
import type {
  Client, Connection, OutboxMessage, PasswordlessCodeRecord, RefreshTokenRecord, SigningKey, Store, Tenant, User,
} from '../../src/store/port.js'
import { generateSigningKey } from '../../src/tokens/keys.js'
import { attackStateContract } from './attack-state-contract.js'

/** Seconds after 2038 (a 4-byte integer's end), so that every time column is known to hold 8 bytes. */
const Y2100 = 4102444800
const now = Math.floor(Date.now() / 1000)

const tenant = (name: string, extra: Partial<Tenant> = {}): Tenant => ({
  id: `tenant-${name}`, name, isDefault: false, publicUrl: null, signingAlg: 'RS256', defaultConnection: null, ...extra,
})
const connection = (tenantId: string, name: string, extra: Partial<Connection> = {}): Connection => ({
  id: `${tenantId}-${name}`, tenantId, name, strategy: 'database', enabledClients: [], options: {}, ...extra,
})
const client = (tenantId: string, clientId: string, extra: Partial<Client> = {}): Client => ({
  clientId, tenantId, name: clientId, type: 'spa', grantTypes: ['password'], webOrigins: [], secretHash: null,
  authMethods: ['none'], requireEmailVerified: false, callbacks: [], jwks: null, jwksUri: null, trustForwardedIp: false, mfaPolicy: null, ...extra,
})
const user = (tenantId: string, connectionId: string, extra: Partial<User> = {}): User => ({
  id: `auth0|${randomUUID()}`, tenantId, connectionId, email: null, username: null, phoneNumber: null, emailVerified: false,
  passwordHash: null, blocked: false, profile: {}, userMetadata: {}, appMetadata: {}, createdAt: now, updatedAt: now, sessionsValidAfter: null, ...extra,
})
const refreshToken = (tenantId: string, userId: string, extra: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord => ({
  id: randomUUID(), tokenHash: randomUUID(), familyId: randomUUID(), tenantId, clientId: 'spa', userId, device: 'phone',
  scope: 'openid offline_access', createdAt: now, expiresAt: Y2100, audience: null, ...extra,
})

/** A store with two tenants (acme the default), a database connection and a client in each. */
async function seeded (open: (t: Test) => Promise<Store>, t: Test) {
  const store = await open(t)
  await store.upsertTenant(tenant('acme', { isDefault: true }), ['acme.test'])
  await store.upsertTenant(tenant('other'), ['other.test'])
  await store.upsertConnection(connection('tenant-acme', 'db', { enabledClients: ['spa'] }))
  await store.upsertConnection(connection('tenant-other', 'db'))
  await store.upsertClient(client('tenant-acme', 'spa', { webOrigins: ['https://app.acme.test'] }))
  await store.upsertClient(client('tenant-other', 'other-spa', { webOrigins: ['https://other.test'] }))
  return store
}

export function storeContract (t: Test, open: (t: Test) => Promise<Store>): void {
  t.test('tenants: by host, default, by name, all, hosts, upsert', async (t) => {
    const store = await seeded(open, t)
    t.match(await store.tenantByHost('ACME.test'), { id: 'tenant-acme', name: 'acme', isDefault: true, attackProtection: {} }, 'hosts match without case')
    t.equal(await store.tenantByHost('nobody.test'), undefined)
    t.equal((await store.defaultTenant())?.name, 'acme')
    t.equal((await store.tenantByName('other'))?.id, 'tenant-other')
    t.equal(await store.tenantByName('nobody'), undefined)
    t.same((await store.allTenants()).map((x) => x.name), ['acme', 'other'])
    t.same(await store.hostsOfTenant('tenant-acme'), ['acme.test'])
    t.same(await store.hostsOfOtherTenants('tenant-acme', ['ACME.test', 'other.test', 'free.test']), ['other.test'])
    t.same(await store.hostsOfOtherTenants('tenant-acme', []), [])

    const changed = tenant('other', {
      isDefault: true, publicUrl: 'https://id.other.test/', signingAlg: 'ES256', defaultConnection: 'db',
      attackProtection: { bruteForce: { threshold: 3 } },
    })
    await store.upsertTenant(changed, ['id.other.test', 'Other.test'])
    t.same(await store.tenantByName('other'), { ...changed }, 'every field updated')
    t.equal((await store.defaultTenant())?.name, 'other', 'one default tenant')
    t.same((await store.hostsOfTenant('tenant-other')).sort(), ['id.other.test', 'other.test'], 'hosts replaced, lower case')
  })

  t.test('connections and clients', async (t) => {
    const store = await seeded(open, t)
    t.same(await store.connectionByName('tenant-acme', 'db'), connection('tenant-acme', 'db', { enabledClients: ['spa'] }))
    t.equal(await store.connectionByName('tenant-acme', 'nope'), undefined)
    t.equal(await store.connectionExistsElsewhere('tenant-acme', 'db'), true)
    await store.upsertConnection(connection('tenant-acme', 'sms', { strategy: 'sms' }))
    t.equal(await store.connectionExistsElsewhere('tenant-acme', 'sms'), false)
    const updated = connection('tenant-acme', 'db', { enabledClients: ['spa', 'x'], options: { password_policy: { min_length: 12 } } })
    await store.upsertConnection(updated)
    t.same(await store.connectionByName('tenant-acme', 'db'), updated)

    const machine = client('tenant-acme', 'robot', {
      type: 'machine', grantTypes: ['client_credentials'], secretHash: 'ab'.repeat(32), authMethods: ['client_secret_post', 'private_key_jwt'],
      requireEmailVerified: true, callbacks: ['https://app.acme.test/cb'], jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: 'abc' }] },
      trustForwardedIp: true,
    })
    await store.upsertClient(machine)
    t.same(await store.clientById('tenant-acme', 'robot'), machine)
    t.equal(await store.clientById('tenant-other', 'robot'), undefined, 'a client is found in its tenant only')
    t.equal(await store.tenantIdOfClient('robot'), 'tenant-acme')
    t.equal(await store.tenantIdOfClient('nobody'), undefined)
    await store.upsertClient({ ...machine, jwks: null, jwksUri: 'https://keys.acme.test/jwks.json', webOrigins: ['https://b.acme.test'] })
    t.match(await store.clientById('tenant-acme', 'robot'), { jwks: null, jwksUri: 'https://keys.acme.test/jwks.json' })
    t.same((await store.webOriginsOfTenant('tenant-acme')).sort(), ['https://app.acme.test', 'https://b.acme.test'])
    t.same(await store.webOriginsOfTenant('tenant-other'), ['https://other.test'])
  })

  t.test('users: by login (email without case, username, phone), by id, insert, update', async (t) => {
    const store = await seeded(open, t)
    const db = 'tenant-acme-db'
    const alice = user('tenant-acme', db, {
      email: 'Alice@Acme.test', username: 'alice', phoneNumber: '+15550100', emailVerified: true, passwordHash: '$argon2id$x',
      profile: { name: 'Alice' }, userMetadata: { theme: 'dark' }, appMetadata: { plan: 'pro' }, createdAt: Y2100, updatedAt: Y2100,
    })
    await store.insertUser(alice)
    const stored = { ...alice, email: 'alice@acme.test' }
    for (const login of ['ALICE@acme.test', 'alice', '+15550100']) t.same(await store.userByLogin(db, login), stored, login)
    t.equal(await store.userByLogin('tenant-other-db', 'alice'), undefined, 'another connection')
    t.same(await store.userById('tenant-acme', alice.id), stored)
    t.equal(await store.userById('tenant-other', alice.id), undefined, 'another tenant')
    const changed = { ...stored, blocked: true, emailVerified: false, passwordHash: null, profile: {}, updatedAt: Y2100 + 1 }
    await store.updateUser(changed)
    t.same(await store.userById('tenant-acme', alice.id), changed)
    t.rejects(store.insertUser(user('tenant-acme', db, { email: 'alice@acme.test' })), 'insertUser refuses a taken email')
  })

  t.test('insertUserIfAbsent answers false for a taken login, inside a transaction too', async (t) => {
    const store = await seeded(open, t)
    const db = 'tenant-acme-db'
    t.equal(await store.insertUserIfAbsent(user('tenant-acme', db, { email: 'bob@acme.test' })), true)
    t.equal(await store.insertUserIfAbsent(user('tenant-acme', db, { email: 'BOB@acme.test' })), false, 'email taken')
    t.equal(await store.insertUserIfAbsent(user('tenant-acme', db, { username: 'bob' })), true)
    t.equal(await store.insertUserIfAbsent(user('tenant-acme', db, { username: 'bob' })), false, 'username taken')
    t.equal(await store.insertUserIfAbsent(user('tenant-acme', 'tenant-other-db', { tenantId: 'tenant-other', email: 'bob@acme.test' })), true,
      'another connection may have the same email')
    // A conflict must not abort the transaction around it (PostgreSQL aborts on an error).
    const written = await store.transaction(async (tx) => {
      const first = await tx.insertUserIfAbsent(user('tenant-acme', db, { email: 'bob@acme.test' }))
      await tx.upsertConnection(connection('tenant-acme', 'after-conflict'))
      return first
    })
    t.equal(written, false)
    t.ok(await store.connectionByName('tenant-acme', 'after-conflict'), 'the transaction went on and committed')
  })

  t.test('first login of one user from parallel requests: one insert wins, every caller finds that user', async (t) => {
    const store = await seeded(open, t)
    const db = 'tenant-acme-db'
    const results = await Promise.all(Array.from({ length: 8 }, () =>
      store.insertUserIfAbsent(user('tenant-acme', db, { email: 'carol@acme.test' }))))
    t.equal(results.filter(Boolean).length, 1)
    const winner = await store.userByLogin(db, 'carol@acme.test')
    t.ok(winner)
  })

  t.test('transactions commit together or not at all', async (t) => {
    const store = await seeded(open, t)
    await t.rejects(store.transaction(async (tx) => {
      await tx.upsertConnection(connection('tenant-acme', 'rolled-back'))
      throw new Error('half way')
    }), /half way/)
    t.equal(await store.connectionByName('tenant-acme', 'rolled-back'), undefined)
    t.equal(await store.transaction(async (tx) => {
      await tx.upsertConnection(connection('tenant-acme', 'kept'))
      return (await tx.connectionByName('tenant-acme', 'kept'))?.name
    }), 'kept', 'a transaction reads its own writes')
  })

  t.test('signing keys: current first, retire, publish until retire_after, prune', async (t) => {
    const store = await seeded(open, t)
    const first: SigningKey = { ...generateSigningKey('tenant-acme', 'ES256'), createdAt: now - 10, retireAfter: null }
    await store.insertSigningKey(first)
    t.same(await store.signingKeys('tenant-acme'), [first])
    t.equal(await store.tenantIdOfSigningKey(first.kid), 'tenant-acme')
    t.equal(await store.tenantIdOfSigningKey('nope'), undefined)
    await store.retireCurrentSigningKeys('tenant-acme', Y2100)
    const second = { ...generateSigningKey('tenant-acme', 'ES256'), createdAt: now, retireAfter: null }
    await store.insertSigningKey(second)
    const retired = { ...first, status: 'previous', retireAfter: Y2100 }
    t.same(await store.signingKeys('tenant-acme'), [second, retired], 'the current key first, the previous one until Y2100')
    t.same(await store.signingKeys('tenant-other'), [])
    t.same(await store.deleteRetiredSigningKeys('tenant-acme', now), [], 'not yet past retire_after')
    await store.retireCurrentSigningKeys('tenant-acme', now - 1)
    const third = { ...generateSigningKey('tenant-acme', 'ES256'), createdAt: now + 1 }
    await store.insertSigningKey(third)
    t.same((await store.signingKeys('tenant-acme')).map((k) => k.kid), [third.kid, first.kid], 'a key past retire_after is not published')
    t.same((await store.allSigningKeys('tenant-acme')).map((k) => k.kid), [third.kid, second.kid, first.kid], 'but still listed')
    t.same(await store.deleteRetiredSigningKeys('tenant-acme', now), [second.kid])
    t.same((await store.allSigningKeys('tenant-acme')).map((k) => k.kid), [third.kid, first.kid])
  })

  t.test('one-time values: recorded once, taken over only after they expire', async (t) => {
    const store = await seeded(open, t)
    t.equal(await store.recordOnce('jti-1', now + 60, now), true)
    t.equal(await store.recordOnce('jti-1', now + 60, now), false)
    t.equal(await store.recordOnce('jti-1', now + 120, now + 59), false, 'still recorded a moment before it expires')
    t.equal(await store.recordOnce('jti-1', now + 120, now + 60), true, 'expired: recorded anew')
    t.equal(await store.recordOnce('jti-2', Y2100, now), true)
    await store.deleteExpiredRecords(now + 200)
    t.equal(await store.recordOnce('jti-1', now + 300, now + 200), true, 'deleted')
    t.equal(await store.recordOnce('jti-2', Y2100, now + 200), false, 'kept')
  })

  t.test('one jti used in parallel: exactly one succeeds', async (t) => {
    const store = await seeded(open, t)
    const results = await Promise.all(Array.from({ length: 20 }, () => store.recordOnce('jti-race', now + 60, now)))
    t.equal(results.filter(Boolean).length, 1)
  })

  t.test('refresh tokens: insert, by hash, rotate once, revoke the family', async (t) => {
    const store = await seeded(open, t)
    const owner = user('tenant-acme', 'tenant-acme-db', { email: 'dave@acme.test' })
    await store.insertUser(owner)
    const first = refreshToken('tenant-acme', owner.id, { audience: 'https://api.acme.test' })
    await store.insertRefreshToken(first)
    t.same(await store.refreshTokenByHash(first.tokenHash), { ...first, sessionId: null, revokedAt: null, consumedAt: null })
    t.equal(await store.refreshTokenByHash('nope'), undefined)
    const second = refreshToken('tenant-acme', owner.id, { familyId: first.familyId, createdAt: now + 5 })
    t.equal(await store.rotateRefreshToken(first.id, second, now + 5), true)
    t.match(await store.refreshTokenByHash(first.tokenHash), { consumedAt: now + 5, revokedAt: null })
    t.same(await store.refreshTokenByHash(second.tokenHash), { ...second, audience: null, sessionId: null, revokedAt: null, consumedAt: null })
    t.equal(await store.rotateRefreshToken(first.id, refreshToken('tenant-acme', owner.id), now + 6), false, 'a consumed token rotates no more')
    const other = refreshToken('tenant-acme', owner.id)
    await store.insertRefreshToken(other)
    t.equal(await store.revokeRefreshTokenFamily(first.familyId, Y2100), 2)
    t.equal(await store.revokeRefreshTokenFamily(first.familyId, Y2100), 0, 'already revoked')
    t.match(await store.refreshTokenByHash(second.tokenHash), { revokedAt: Y2100 })
    t.equal(await store.rotateRefreshToken(second.id, refreshToken('tenant-acme', owner.id), now + 7), false, 'a revoked token rotates no more')
    t.match(await store.refreshTokenByHash(other.tokenHash), { revokedAt: null }, 'another family untouched')
  })

  t.test('refresh tokens: read with their user in one call', async (t) => {
    const store = await seeded(open, t)
    const owner = user('tenant-acme', 'tenant-acme-db', { email: 'frank@acme.test', profile: { name: 'Frank' }, sessionsValidAfter: Y2100 })
    await store.insertUser(owner)
    const token = refreshToken('tenant-acme', owner.id, { audience: 'https://api.acme.test', sessionId: null })
    await store.insertRefreshToken(token)
    const found = await store.refreshTokenWithUser(token.tokenHash)
    t.same(found, { token: await store.refreshTokenByHash(token.tokenHash), user: await store.userById('tenant-acme', owner.id) })
    t.same(found?.user, owner)
    t.equal(await store.refreshTokenWithUser('nope'), undefined)
    await store.updateUser({ ...owner, blocked: true })
    t.match(await store.refreshTokenWithUser(token.tokenHash), { user: { blocked: true } }, 'the user as it is now')
    await store.rotateRefreshToken(token.id, refreshToken('tenant-acme', owner.id, { familyId: token.familyId }), now + 5)
    t.match(await store.refreshTokenWithUser(token.tokenHash), { token: { consumedAt: now + 5 } }, 'the token as it is now')
  })

  t.test('two refreshes of one token at once: exactly one rotation, one successor stored', async (t) => {
    const store = await seeded(open, t)
    const owner = user('tenant-acme', 'tenant-acme-db', { email: 'erin@acme.test' })
    await store.insertUser(owner)
    const first = refreshToken('tenant-acme', owner.id)
    await store.insertRefreshToken(first)
    const successors = Array.from({ length: 10 }, () => refreshToken('tenant-acme', owner.id, { familyId: first.familyId }))
    const results = await Promise.all(successors.map((next) => store.rotateRefreshToken(first.id, next, now)))
    t.equal(results.filter(Boolean).length, 1)
    const stored = await Promise.all(successors.map((next) => store.refreshTokenByHash(next.tokenHash)))
    t.equal(stored.filter(Boolean).length, 1, 'only the winner\'s successor exists')
    t.equal(stored[results.indexOf(true)]?.id, successors[results.indexOf(true)].id)
  })

  t.test('APIs and client grants', async (t) => {
    const store = await seeded(open, t)
    const api = { id: 'api-1', tenantId: 'tenant-acme', identifier: 'https://api.acme.test', name: 'API', scopes: ['read'], tokenLifetime: 600, allowOfflineAccess: true }
    await store.upsertResourceServer(api)
    t.same(await store.resourceServerByIdentifier('tenant-acme', 'https://api.acme.test'), api)
    t.equal(await store.resourceServerByIdentifier('tenant-other', 'https://api.acme.test'), undefined)
    await store.upsertResourceServer({ ...api, scopes: ['read', 'write'], allowOfflineAccess: false })
    t.match(await store.resourceServerByIdentifier('tenant-acme', 'https://api.acme.test'), { scopes: ['read', 'write'], allowOfflineAccess: false })
    const grant = { tenantId: 'tenant-acme', clientId: 'spa', audience: 'https://api.acme.test', scopes: ['read'], actForUsers: false }
    await store.upsertClientGrant(grant)
    t.same(await store.clientGrant('tenant-acme', 'spa', 'https://api.acme.test'), grant)
    await store.upsertClientGrant({ ...grant, scopes: ['read', 'write'] })
    t.same(await store.clientGrant('tenant-acme', 'spa', 'https://api.acme.test'), { ...grant, scopes: ['read', 'write'] })
    t.equal(await store.clientGrant('tenant-acme', 'spa', 'https://elsewhere.test'), undefined)
    t.ok(await store.deleteClientGrant('tenant-acme', 'spa', 'https://api.acme.test'))
    t.equal(await store.clientGrant('tenant-acme', 'spa', 'https://api.acme.test'), undefined)
    t.notOk(await store.deleteClientGrant('tenant-acme', 'spa', 'https://api.acme.test'), 'false when there was none')
  })

  t.test('a client deleted takes its client grants with it, and bumps the configuration version', async (t) => {
    const store = await seeded(open, t)
    await store.upsertResourceServer({ id: 'api-1', tenantId: 'tenant-acme', identifier: 'https://api.acme.test', name: 'API', scopes: [], tokenLifetime: 600, allowOfflineAccess: false })
    await store.upsertClientGrant({ tenantId: 'tenant-acme', clientId: 'spa', audience: 'https://api.acme.test', scopes: [], actForUsers: false })
    const version = await store.configVersion()
    t.notOk(await store.deleteClient('tenant-other', 'spa'), 'not from another tenant')
    t.ok(await store.deleteClient('tenant-acme', 'spa'))
    t.equal(await store.clientById('tenant-acme', 'spa'), undefined)
    t.equal(await store.tenantIdOfClient('spa'), undefined)
    t.equal(await store.clientGrant('tenant-acme', 'spa', 'https://api.acme.test'), undefined, 'its grant went with it')
    t.ok(await store.configVersion() > version, 'another process learns of it from the version')
    t.notOk(await store.deleteClient('tenant-acme', 'spa'), 'false when there was none')
  })

  t.test('passwordless codes: one current code per login, attempts counted atomically, used once', async (t) => {
    const store = await seeded(open, t)
    const code = (extra: Partial<PasswordlessCodeRecord> = {}): PasswordlessCodeRecord => ({
      id: randomUUID(), tenantId: 'tenant-acme', connectionId: 'tenant-acme-db', login: '+15550100', codeSalt: 's', codeHash: 'h',
      attempts: 0, createdAt: now, expiresAt: now + 180, ...extra,
    })
    const old = code()
    await store.saveCurrentCode(old)
    const current = code({ codeHash: 'h2' })
    await store.saveCurrentCode(current)
    t.same(await store.takeCodeAttempt('tenant-acme-db', '+15550100', now, 3), { ...current, attempts: 1 }, 'the later code replaced the earlier')
    t.equal(await store.consumeCode(old.id), false, 'the replaced code is gone')
    t.equal(await store.takeCodeAttempt('tenant-acme-db', '+15550100', now + 180, 3), undefined, 'expired')
    t.equal(await store.takeCodeAttempt('tenant-acme-db', '+15550199', now, 3), undefined, 'no code')
    const attempts = await Promise.all(Array.from({ length: 10 }, () => store.takeCodeAttempt('tenant-acme-db', '+15550100', now, 3)))
    t.same(attempts.filter(Boolean).map((a) => a!.attempts).sort(), [2, 3], 'parallel attempts never pass the maximum')
    const consumed = await Promise.all([store.consumeCode(current.id), store.consumeCode(current.id)])
    t.same(consumed.sort(), [false, true], 'a code is consumed once')
    await store.saveCurrentCode(code({ login: 'x@acme.test', createdAt: now + 1000, expiresAt: now + 1180 }))
    t.equal(await store.consumeCode(current.id), false)
  })

  t.test('the outbox keeps millisecond times (past 2^31) in order', async (t) => {
    const store = await seeded(open, t)
    const at = Date.now()
    const message = (i: number): OutboxMessage => ({
      id: `m${i}`, tenantId: 'tenant-acme', connection: 'sms', channel: 'sms', recipient: '+15550100', subject: null, text: `code ${i}`, createdAt: at + i,
    })
    for (const i of [1, 2, 3]) await store.insertOutboxMessage(message(i))
    t.same(await store.latestOutboxMessages(2), [message(2), message(3)], 'the latest, oldest first, times as numbers')
    t.same(await store.latestOutboxMessages(10), [message(1), message(2), message(3)])
  })

  t.test('audit log: latest first, by tenant and type', async (t) => {
    const store = await seeded(open, t)
    const at = Date.now()
    const event = (type: 'failed_login' | 'block', tenantId: string, i: number) => ({
      type, tenantId, clientId: 'spa', connection: 'db', userId: null, login: 'alice', ip: '203.0.113.5', detail: 'wrong_password', createdAt: at + i,
    })
    await store.recordEvent(event('failed_login', 'tenant-acme', 1))
    await store.recordEvent(event('block', 'tenant-acme', 2))
    await store.recordEvent(event('failed_login', 'tenant-other', 3))
    t.same(await store.events({ limit: 10 }), [event('failed_login', 'tenant-other', 3), event('block', 'tenant-acme', 2), event('failed_login', 'tenant-acme', 1)])
    t.same(await store.events({ tenantId: 'tenant-acme', type: 'failed_login', limit: 10 }), [event('failed_login', 'tenant-acme', 1)])
    t.same(await store.events({ limit: 1 }), [event('failed_login', 'tenant-other', 3)])
  })

  t.test('times after 2038 are kept exactly', async (t) => {
    const store = await seeded(open, t)
    const later = user('tenant-acme', 'tenant-acme-db', { email: 'far@acme.test', createdAt: Y2100 * 10, updatedAt: Y2100 * 10 })
    await store.insertUser(later)
    const read = await store.userById('tenant-acme', later.id)
    t.equal(read?.createdAt, Y2100 * 10)
    t.equal(typeof read?.createdAt, 'number')
  })

  t.test('request counters: a fixed window, counted atomically, swept once ended', async (t) => {
    const store = await seeded(open, t)
    const at = Date.now()
    t.same(await store.countRequest('ip|/x', 1000, at), { count: 1, resetAt: at + 1000 })
    t.same(await store.countRequest('ip|/x', 1000, at + 999), { count: 2, resetAt: at + 1000 }, 'the window does not move')
    t.same(await store.countRequest('ip|/y', 1000, at), { count: 1, resetAt: at + 1000 }, 'keys count apart')
    t.same(await store.countRequest('ip|/x', 1000, at + 1000), { count: 1, resetAt: at + 2000 }, 'ended: starts over')
    const counts = await Promise.all(Array.from({ length: 20 }, () => store.countRequest('race', 60_000, at)))
    t.same(counts.map((c) => c.count).sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i + 1))
    await store.deleteExpiredRequestCounters(at + 1000)
    t.equal((await store.countRequest('ip|/y', 1000, at + 500)).count, 1, 'the ended counter was deleted')
    t.equal((await store.countRequest('race', 60_000, at)).count, 21, 'a running one was kept')
  })

  t.test('attack state (parallel wrong passwords included)', async (t) => {
    attackStateContract(t, async (t) => ({ state: await seeded(open, t), tenants: ['tenant-acme', 'tenant-other'] }))
  })
}
