// POST /oauth/token grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer (RFC 7523 section 2.1):
// assertions signed with jose by machine clients' registered keys, and every way one can be wrong.
import Database from 'better-sqlite3'
import { decodeJwt, decodeProtectedHeader } from 'jose'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import t from 'tap'
import { openSqliteStore, SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp } from './helpers/app.js'
import {
  assertion, CLIENT_ASSERTION_TYPE, assertionRefused, derSigned, hmacWithPublicKey, invalidClient, MALFORMED, ISSUER, JWT_BEARER, jwtBearerFixture,
  keys, malformed, now, SENTINEL_SECRET, signJwt, TOKEN_ENDPOINT, unsigned, userRefused, verifyServed,
} from './helpers/jwt-bearer.js'

const API = 'https://api.acme.test/'
const grantBody = (fields: Record<string, unknown>) => {
  const body: Record<string, unknown> = { grant_type: JWT_BEARER, audience: API, ...fields }
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k]
  return body
}
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`

t.test('RFC 7523 assertions on /oauth/token', async (t) => {
  const dataDir = t.testdir()
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { dataDir } })
  const token = (payload: Record<string, unknown> | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test', ...headers }, payload })

  await t.test('a client-signed assertion (RS256), no client authentication, buys an access token for the API', async (t) => {
    const res = await token(grantBody({ assertion: await assertion('robot', keys.robotRsa), scope: 'read:things write:things' }))
    t.equal(res.statusCode, 200)
    t.equal(res.headers['cache-control'], 'no-store')
    t.equal(res.headers.pragma, 'no-cache')
    const body = res.json()
    t.same({ ...body, access_token: typeof body.access_token }, { access_token: 'string', token_type: 'bearer', expires_in: 86400, scope: 'read:things write:things' })
    t.equal(decodeProtectedHeader(body.access_token).typ, 'at+jwt')
    const claims = await verifyServed(app, body.access_token, { audience: API, algorithms: ['RS256'] })
    t.match(claims, { iss: ISSUER, sub: 'robot', aud: API, azp: 'robot', client_id: 'robot', scope: 'read:things write:things' })
  })

  await t.test('ES256 key, aud the issuer, client_id given, form body, no scope', async (t) => {
    const form = new URLSearchParams({ grant_type: JWT_BEARER, client_id: 'robot', audience: API, assertion: await assertion('robot', keys.robotEc, { aud: ISSUER }) })
    const res = await token(form.toString(), { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(res.statusCode, 200)
    t.same(Object.keys(res.json()).sort(), ['access_token', 'expires_in', 'token_type'])
  })

  await t.test('aud as an array, and no iat (the lifetime then counts from now)', async (t) => {
    const res = await token(grantBody({ assertion: await assertion('robot', keys.robotRsa, { aud: ['https://elsewhere.test/', TOKEN_ENDPOINT], iat: undefined }) }))
    t.equal(res.statusCode, 200)
  })

  await t.test('a client allowed to act for users (EdDSA key) names a user as sub', async (t) => {
    const res = await token(grantBody({ assertion: await assertion('butler', keys.butlerEd, { sub: 'auth0|alice' }), scope: 'read:mail' }))
    t.equal(res.statusCode, 200)
    const claims = await verifyServed(app, res.json().access_token, { audience: API, algorithms: ['RS256'] })
    t.match(claims, { sub: 'auth0|alice', azp: 'butler', scope: 'read:mail' })
  })

  await t.test('with client authentication: a secret (Basic), then private_key_jwt', async (t) => {
    const sentinelKey = { ...keys.robotEc, kid: 'sentinel-ec' }
    const withSecret = await token(grantBody({ assertion: await assertion('sentinel', sentinelKey) }), { authorization: basic('sentinel', SENTINEL_SECRET) })
    t.equal(withSecret.statusCode, 200)
    const withKey = await token(grantBody({
      assertion: await assertion('robot', keys.robotRsa),
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await assertion('robot', keys.robotEc),
    }))
    t.equal(withKey.statusCode, 200)
  })

  await t.test('a used jti is kept until exp + clock tolerance, by hash only', async (t) => {
    const exp = now() + 120
    const jti = randomUUID()
    t.equal((await token(grantBody({ assertion: await assertion('robot', keys.robotRsa, { exp, jti }) }))).statusCode, 200)
    const db = new Database(path.join(dataDir, SQLITE_FILE), { readonly: true })
    t.teardown(() => db.close())
    const rows = db.prepare('SELECT id, expires_at FROM used_jtis WHERE expires_at = ?').all(exp + 15) as any[]
    t.equal(rows.length, 1)
    t.match(rows[0].id, /^[0-9a-f]{64}$/)
    t.notOk(rows[0].id.includes(jti))
  })

  await t.test('a refused assertion does not spend its jti: the genuine one with the same jti still works', async (t) => {
    const jti = randomUUID()
    const forged = await assertion('robot', { ...keys.otherRobot, kid: keys.robotEc.kid }, { jti })
    const forgedRes = await token(grantBody({ assertion: forged }))
    t.equal(forgedRes.statusCode, 400)
    t.same(forgedRes.json(), assertionRefused('the signature does not verify'))
    const expired = await assertion('robot', keys.robotEc, { jti, iat: now() - 120, exp: now() - 60 })
    t.same((await token(grantBody({ assertion: expired }))).json(), assertionRefused('the token has expired'))
    const genuine = await token(grantBody({ assertion: await assertion('robot', keys.robotEc, { jti }) }))
    t.equal(genuine.statusCode, 200)
    const again = await token(grantBody({ assertion: await assertion('robot', keys.robotEc, { jti }) }))
    t.same(again.json(), assertionRefused('the jti was already used'))
  })

  await t.test('discovery names the grant, the token endpoint and private_key_jwt', async (t) => {
    const res = await app.inject({ method: 'GET', url: '/.well-known/openid-configuration', headers: { host: 'acme.test' } })
    const doc = res.json()
    t.ok(doc.grant_types_supported.includes(JWT_BEARER), 'the grant is listed')
    t.ok(doc.token_endpoint_auth_methods_supported.includes('private_key_jwt'), 'private_key_jwt is listed')
    t.match(doc, {
      issuer: ISSUER,
      token_endpoint: TOKEN_ENDPOINT,
      token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'],
      id_token_signing_alg_values_supported: ['RS256'],
    })
  })

  await t.test('refusals: status and full body', async (t) => {
    const claims = (extra: Record<string, unknown> = {}) => ({ iss: 'robot', sub: 'robot', aud: TOKEN_ENDPOINT, iat: now(), exp: now() + 60, jti: randomUUID(), ...extra })
    const replayed = await assertion('robot', keys.robotRsa)
    t.equal((await token(grantBody({ assertion: replayed }))).statusCode, 200, 'first use')
    const [h, , s] = (await assertion('robot', keys.robotRsa)).split('.')
    const tampered = `${h}.${Buffer.from(JSON.stringify(claims({ sub: 'auth0|alice' }))).toString('base64url')}.${s}`

    const cases: Array<[string, Record<string, unknown>, number, object, Record<string, string>?]> = [
      ['missing assertion', {}, 400, { error: 'invalid_request', error_description: 'missing assertion parameter' }],
      ['assertion not a string', { assertion: ['a', 'b'] }, 400, { error: 'invalid_request', error_description: 'assertion parameter must be a string' }],
      ['missing audience', { audience: undefined, assertion: await assertion('robot', keys.robotRsa) }, 400, { error: 'invalid_request', error_description: 'missing audience parameter' }],
      ['blank audience', { audience: ' ', assertion: await assertion('robot', keys.robotRsa) }, 400, { error: 'invalid_request', error_description: 'missing audience parameter' }],
      ['replayed jti', { assertion: replayed }, 400, assertionRefused('the jti was already used')],
      // Algorithms pinned per key.
      ['HS256 with the client\'s public key as secret', { assertion: hmacWithPublicKey(keys.robotRsa, claims()) }, 400, assertionRefused('the algorithm is not the key\'s')],
      ['alg none', { assertion: unsigned(keys.robotRsa, claims()) }, 400, assertionRefused('the algorithm is not the key\'s')],
      ['the EC key\'s kid on an RS256 token', { assertion: await signJwt(keys.robotRsa, claims(), { kid: keys.robotEc.kid }) }, 400, assertionRefused('the algorithm is not the key\'s')],
      // Keys.
      ['unknown kid', { assertion: await assertion('robot', keys.robotRsa, {}, { kid: 'nope' }) }, 400, assertionRefused('no key has this kid')],
      ['no kid with two keys of the alg', { assertion: await assertion('butler', keys.butlerEd, {}, { kid: undefined }) }, 400, assertionRefused('the token has no kid and no sole key of its algorithm')],
      ['key of another client of the tenant', { assertion: await assertion('robot', keys.butlerEd) }, 400, assertionRefused('no key has this kid')],
      ['someone else\'s key under a registered kid', { assertion: await assertion('robot', keys.stranger) }, 400, assertionRefused('the signature does not verify')],
      ['key of a client of another tenant', { assertion: await assertion('robot', keys.otherRobot, {}, { kid: keys.robotEc.kid }) }, 400, assertionRefused('the signature does not verify')],
      ['client of another tenant', { assertion: await assertion('other-robot', keys.otherRobot) }, 400, assertionRefused('iss is not a client of this tenant')],
      ['tampered payload', { assertion: tampered }, 400, assertionRefused('the signature does not verify')],
      // ES256 (checked in the thread pool): the same refusals, and the JWS signature format.
      ['HS256 with the client\'s EC public key as secret', { assertion: hmacWithPublicKey(keys.robotEc, claims()) }, 400, assertionRefused('the algorithm is not the key\'s')],
      ['alg none naming the EC key', { assertion: unsigned(keys.robotEc, claims()) }, 400, assertionRefused('the algorithm is not the key\'s')],
      ['another P-256 key under the registered EC kid', { assertion: await assertion('robot', { ...keys.otherRobot, kid: keys.robotEc.kid }) }, 400, assertionRefused('the signature does not verify')],
      ['ES256 signature DER-encoded instead of r || s', { assertion: derSigned(keys.robotEc, claims()) }, 400, assertionRefused('the token does not verify')],
      ['ES256 signature cut short', { assertion: (await assertion('robot', keys.robotEc)).slice(0, -4) }, 400, assertionRefused('the token does not verify')],
      ['ES256 signature missing', { assertion: (await assertion('robot', keys.robotEc)).replace(/[^.]+$/, '') }, 400, assertionRefused('the token is not signed')],
      ['ES256 critical header extension', { assertion: await assertion('robot', keys.robotEc, {}, { crit: ['b64'], b64: true }) }, 400, assertionRefused('the header has a critical extension not understood here')],
      // Wrong in two ways: a bad signature is named first, whatever else is wrong.
      ['forged and expired', { assertion: await assertion('robot', { ...keys.otherRobot, kid: keys.robotEc.kid }, { iat: now() - 120, exp: now() - 60 }) }, 400, assertionRefused('the signature does not verify')],
      ['forged, with the wrong aud', { assertion: await assertion('robot', { ...keys.otherRobot, kid: keys.robotEc.kid }, { aud: 'http://other.test/oauth/token' }) }, 400, assertionRefused('the signature does not verify')],
      ['forged, jti already used', { assertion: await signJwt({ ...keys.otherRobot, kid: keys.robotEc.kid }, decodeJwt(replayed)) }, 400, assertionRefused('the signature does not verify')],
      // Times.
      ['expired', { assertion: await assertion('robot', keys.robotRsa, { iat: now() - 120, exp: now() - 60 }) }, 400, assertionRefused('the token has expired')],
      ['not yet valid', { assertion: await assertion('robot', keys.robotRsa, { nbf: now() + 60 }) }, 400, assertionRefused('the token is not yet valid')],
      ['issued in the future', { assertion: await assertion('robot', keys.robotRsa, { iat: now() + 120, exp: now() + 180 }) }, 400, assertionRefused('the assertion was issued in the future')],
      ['lives longer than an hour', { assertion: await assertion('robot', keys.robotRsa, { exp: now() + 7200 }) }, 400, assertionRefused('the assertion lives longer than the 3600 seconds allowed')],
      ['lives longer than an hour, no iat', { assertion: await assertion('robot', keys.robotRsa, { iat: undefined, exp: now() + 7200 }) }, 400, assertionRefused('the assertion lives longer than the 3600 seconds allowed')],
      ['no exp', { assertion: await assertion('robot', keys.robotRsa, { exp: undefined }) }, 400, assertionRefused('the exp claim is missing')],
      // Claims.
      ['no jti', { assertion: await assertion('robot', keys.robotRsa, { jti: undefined }) }, 400, assertionRefused('the jti claim is missing')],
      ['jti not a string', { assertion: await assertion('robot', keys.robotRsa, { jti: 7 }) }, 400, assertionRefused('the jti claim is not a short string')],
      ['aud another server\'s token endpoint', { assertion: await assertion('robot', keys.robotRsa, { aud: 'http://other.test/oauth/token' }) }, 400, assertionRefused('the aud claim must be http://acme.test/oauth/token or http://acme.test/')],
      ['aud missing', { assertion: await assertion('robot', keys.robotRsa, { aud: undefined }) }, 400, assertionRefused('the aud claim is missing')],
      ['aud an empty list', { assertion: await assertion('robot', keys.robotEc, { aud: [] }) }, 400, assertionRefused('the aud claim must be http://acme.test/oauth/token or http://acme.test/')],
      ['aud a number', { assertion: await assertion('robot', keys.robotEc, { aud: 7 }) }, 400, assertionRefused('a claim has the wrong type')],
      ['exp a string', { assertion: await assertion('robot', keys.robotEc, { exp: String(now() + 60) }) }, 400, assertionRefused('a claim has the wrong type')],
      ['exp a list', { assertion: await assertion('robot', keys.robotEc, { exp: [now() + 60] }) }, 400, assertionRefused('a claim (iss, aud or sub) has a value not accepted here')],
      ['iss not a client', { assertion: await assertion('nobody', keys.robotRsa) }, 400, assertionRefused('iss is not a client of this tenant')],
      ['iss missing', { assertion: await assertion('robot', keys.robotRsa, { iss: undefined }) }, 400, assertionRefused('the assertion has no iss')],
      ['iss another client than client_id', { client_id: 'butler', assertion: await assertion('robot', keys.robotRsa) }, 400, assertionRefused('client_id is not the assertion\'s iss')],
      ['sub a user, for a client not allowed to act for users', { assertion: await assertion('robot', keys.robotRsa, { sub: 'auth0|alice' }) }, 400, assertionRefused(`sub is not the client, and its grant for ${API} does not act for users`)],
      ['sub missing', { assertion: await assertion('robot', keys.robotRsa, { sub: undefined }) }, 400, assertionRefused('the sub claim is missing')],
      ['sub a user that does not exist', { assertion: await assertion('butler', keys.butlerEd, { sub: 'auth0|ghost' }) }, 400, userRefused],
      ['sub a blocked user', { assertion: await assertion('butler', keys.butlerEd, { sub: 'auth0|bob' }) }, 400, userRefused],
      ['sub a user of another tenant', { assertion: await assertion('butler', keys.butlerEd, { sub: 'other|alice' }) }, 400, userRefused],
      // Shape.
      ['oversized (over 8 KiB)', { assertion: await assertion('robot', keys.robotRsa, { padding: 'x'.repeat(9000) }) }, 400, assertionRefused('the token is longer than 8192 characters')],
      ...Object.entries(malformed).map(([name, a]): [string, Record<string, unknown>, number, object] => [`malformed: ${name}`, { assertion: a }, 400, assertionRefused(MALFORMED[name as keyof typeof MALFORMED])]),
      ['empty assertion', { assertion: '' }, 400, assertionRefused('the token is empty')],
      // Clients.
      ['client not allowed the grant', { assertion: await assertion('grounded', { ...keys.robotRsa, kid: 'grounded-rsa' }) }, 403,
        { error: 'unauthorized_client', error_description: `Grant type '${JWT_BEARER}' not allowed for the client.` }],
      ['authenticated client is not the assertion\'s iss', { assertion: await assertion('robot', keys.robotRsa) }, 400, assertionRefused('no key has this kid'),
        { authorization: basic('sentinel', SENTINEL_SECRET) }],
      ['wrong client secret', { assertion: await assertion('sentinel', { ...keys.robotEc, kid: 'sentinel-ec' }) }, 401, invalidClient,
        { authorization: basic('sentinel', 'wrong-secret') }],
    ]
    for (const [name, fields, status, body, headers] of cases) {
      const res = await token(grantBody(fields), headers)
      t.equal(res.statusCode, status, `${name}: status`)
      t.same(res.json(), body, `${name}: body`)
    }
  })
})

t.test('two concurrent requests with the same assertion: exactly one succeeds', async (t) => {
  const document = jwtBearerFixture()
  document.tenants[0].hosts.push('127.0.0.1')
  const app = await buildTestApp(t, { document })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as { port: number }
  // acme lists this host, and the request arrives on this port: its issuer is then this URL.
  const endpoint = `http://127.0.0.1:${port}/oauth/token`
  const send = (a: string) => fetch(endpoint, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(grantBody({ assertion: a })),
  })
  for (let round = 0; round < 5; round++) {
    const shared = await assertion('robot', keys.robotRsa, { aud: endpoint })
    const answers = await Promise.all([send(shared), send(shared), send(shared)])
    const statuses = answers.map((r) => r.status).sort()
    t.same(statuses, [200, 400, 400], `round ${round}: one success`)
    const refused = await Promise.all(answers.filter((r) => r.status === 400).map((r) => r.json()))
    t.same(refused, [assertionRefused('the jti was already used'), assertionRefused('the jti was already used')])
  }
})

t.test('the store records a jti once, atomically, and lets an expired record be taken over', async (t) => {
  const store = await openSqliteStore(t.testdir())
  t.teardown(() => store.close())
  const at = now()
  const results = await Promise.all(Array.from({ length: 10 }, () => store.recordOnce('id-1', at + 60, at)))
  t.equal(results.filter(Boolean).length, 1, 'one of ten concurrent records wins')
  t.equal(await store.recordOnce('id-2', at - 1, at - 100), true)
  t.equal(await store.recordOnce('id-2', at + 60, at), true, 'an expired record is taken over')
  t.equal(await store.recordOnce('id-2', at + 60, at), false)
  await store.deleteExpiredRecords(at + 61)
  t.equal(await store.recordOnce('id-1', at + 120, at + 61), true, 'pruned records are gone')
})

t.test('assertions, client assertions and issued tokens never reach the log, even at trace level', async (t) => {
  const lines: string[] = []
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { logLevel: 'trace' }, logStream: { write: (l: string) => { lines.push(l) } } })
  const grantAssertion = await assertion('robot', keys.robotRsa)
  const clientAssertion = await assertion('robot', keys.robotEc)
  const ok = await app.inject({
    method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' },
    payload: grantBody({ assertion: grantAssertion, client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: clientAssertion }),
  })
  t.equal(ok.statusCode, 200)
  const refused = await app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' }, payload: grantBody({ assertion: grantAssertion }) })
  t.equal(refused.statusCode, 400)
  const log = lines.join('\n')
  t.match(log, /the jti was already used/, 'the reason is logged')
  for (const secret of [grantAssertion, clientAssertion, ok.json().access_token]) {
    for (const segment of secret.split('.').slice(1)) t.notOk(log.includes(segment), 'no part of a token is logged')
  }
})

t.test('an assertion buys only what the client grant allows: the API, its scopes, acting for users per API', async (t) => {
  const REPORTS = 'https://reports.acme.test/'
  const document = jwtBearerFixture()
  const acme = document.tenants[0]
  acme.apis!.push({ identifier: REPORTS, name: 'Reports', scopes: ['read:reports', 'delete:reports'] })
  acme.client_grants!.push({ client_id: 'butler', audience: REPORTS, scope: ['read:reports'] })
  const app = await buildTestApp(t, { document })
  const token = async (fields: Record<string, unknown>) =>
    app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test' }, payload: grantBody(fields) })

  const noGrant = await token({ audience: REPORTS, assertion: await assertion('robot', keys.robotRsa), scope: 'read:reports' })
  t.equal(noGrant.statusCode, 403, 'a client without a client grant for the API')
  t.same(noGrant.json(), { error: 'access_denied', error_description: `Client is not authorized to access "${REPORTS}". You need to create a "client-grant" associated to this API.` })

  const beyond = await token({ assertion: await assertion('robot', keys.robotRsa), scope: 'read:things read:mail' })
  t.equal(beyond.statusCode, 403, 'a scope the API defines but the grant does not give')
  t.same(beyond.json(), { error: 'access_denied', error_description: 'Client has not been granted scopes: read:mail' })

  const notForUsersHere = await token({ audience: REPORTS, assertion: await assertion('butler', keys.butlerEd, { sub: 'auth0|alice' }), scope: 'read:reports' })
  t.equal(notForUsersHere.statusCode, 400, 'acting for users is allowed by the grant of one API, not of another')
  t.same(notForUsersHere.json(), assertionRefused(`sub is not the client, and its grant for ${REPORTS} does not act for users`))
  const asItself = await token({ audience: REPORTS, assertion: await assertion('butler', keys.butlerEd), scope: 'read:reports' })
  t.equal(asItself.statusCode, 200, 'as itself, within its grant')

  const robotAsUser = await token({ assertion: await assertion('robot', keys.robotRsa, { sub: 'auth0|alice' }), scope: 'read:things' })
  t.equal(robotAsUser.statusCode, 400, 'a client whose grant does not act for users cannot name a user')
  t.same(robotAsUser.json(), assertionRefused(`sub is not the client, and its grant for ${API} does not act for users`))
})
