// private_key_jwt client authentication on /oauth/token (RFC 7523 section 2.2): a password login by
// a client that proves itself with an assertion signed by its registered key. Every failure is
// 401 invalid_client; a refused assertion's description says what was wrong with it.
import { randomUUID } from 'node:crypto'
import t from 'tap'
import { defaults } from '../src/config.js'
import { buildTestApp } from './helpers/app.js'
import { PASSWORD } from './helpers/fixture.js'
import {
  assertion, CLIENT_ASSERTION_TYPE, clientAssertionRejected, derSigned, hmacWithPublicKey, invalidClient, ISSUER, jwtBearerFixture, keys, malformed, MALFORMED, now,
  SENTINEL_SECRET, TOKEN_ENDPOINT, unsigned, verifyServed,
} from './helpers/jwt-bearer.js'

const login = (fields: Record<string, unknown>) => {
  const body: Record<string, unknown> = {
    grant_type: 'password', username: 'alice@acme.test', password: PASSWORD, client_id: 'robot', client_assertion_type: CLIENT_ASSERTION_TYPE, ...fields,
  }
  for (const [k, v] of Object.entries(body)) if (v === undefined) delete body[k]
  return body
}

t.test('private_key_jwt', async (t) => {
  // Dozens of refused attempts for one client's account from one IP: above the per-account rate limit.
  const app = await buildTestApp(t, { document: jwtBearerFixture(), config: { rateLimits: { ...defaults.rateLimits, perAccount: { max: 1000, windowSeconds: 60 } } } })
  const token = (payload: Record<string, unknown> | string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/oauth/token', headers: { host: 'acme.test', ...headers }, payload })

  await t.test('a client proves itself with an assertion signed by its key', async (t) => {
    const res = await token(login({ client_assertion: await assertion('robot', keys.robotRsa) }))
    t.equal(res.statusCode, 200)
    const claims = await verifyServed(app, res.json().id_token, { audience: 'robot', algorithms: ['RS256'] })
    t.equal(claims.sub, 'auth0|alice')
  })

  await t.test('client_id may be left out (form body), and aud may be the issuer', async (t) => {
    const form = new URLSearchParams({
      grant_type: 'password', username: 'alice', password: PASSWORD, client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: await assertion('robot', keys.robotEc, { aud: ISSUER }),
    })
    const res = await token(form.toString(), { 'content-type': 'application/x-www-form-urlencoded' })
    t.equal(res.statusCode, 200)
  })

  await t.test('refusals: 401 invalid_client, full body', async (t) => {
    const claims = () => ({ iss: 'robot', sub: 'robot', aud: TOKEN_ENDPOINT, iat: now(), exp: now() + 60, jti: randomUUID() })
    const used = await assertion('robot', keys.robotRsa)
    t.equal((await token(login({ client_assertion: used }))).statusCode, 200, 'first use')
    const cases: Array<[string, Record<string, unknown>, object?]> = [
      ['replayed assertion', { client_assertion: used }, clientAssertionRejected('the jti was already used')],
      ['wrong client_assertion_type', { client_assertion_type: 'urn:example:other', client_assertion: await assertion('robot', keys.robotRsa) }, clientAssertionRejected('client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer')],
      ['no client_assertion_type', { client_assertion_type: undefined, client_assertion: await assertion('robot', keys.robotRsa) }, clientAssertionRejected('client_assertion_type must be urn:ietf:params:oauth:client-assertion-type:jwt-bearer')],
      ['no client_assertion', {}, clientAssertionRejected('the token is empty')],
      ['sub is not the client', { client_assertion: await assertion('robot', keys.robotRsa, { sub: 'auth0|alice' }) }, clientAssertionRejected('the sub claim has a value not accepted here')],
      ['iss is not the client', { client_assertion: await assertion('butler', keys.robotRsa, { sub: 'robot' }) }, clientAssertionRejected('the iss claim has a value not accepted here')],
      ['client_id of another client', { client_id: 'butler', client_assertion: await assertion('robot', keys.robotRsa) }, clientAssertionRejected('no key has this kid')],
      ['aud another endpoint', { client_assertion: await assertion('robot', keys.robotRsa, { aud: `${ISSUER}oauth/ro` }) }, clientAssertionRejected('the aud claim must be http://acme.test/oauth/token or http://acme.test/')],
      ['HS256 with the client\'s public key as secret', { client_assertion: hmacWithPublicKey(keys.robotRsa, claims()) }, clientAssertionRejected('the algorithm is not the key\'s')],
      ['alg none', { client_assertion: unsigned(keys.robotRsa, claims()) }, clientAssertionRejected('the algorithm is not the key\'s')],
      ['unknown kid', { client_assertion: await assertion('robot', keys.robotRsa, {}, { kid: 'nope' }) }, clientAssertionRejected('no key has this kid')],
      ['someone else\'s key under a registered kid', { client_assertion: await assertion('robot', keys.stranger) }, clientAssertionRejected('the signature does not verify')],
      ['another P-256 key under the registered EC kid', { client_assertion: await assertion('robot', { ...keys.otherRobot, kid: keys.robotEc.kid }) }, clientAssertionRejected('the signature does not verify')],
      ['ES256 signature DER-encoded instead of r || s', { client_assertion: derSigned(keys.robotEc, claims()) }, clientAssertionRejected('the token does not verify')],
      ['expired', { client_assertion: await assertion('robot', keys.robotRsa, { iat: now() - 120, exp: now() - 60 }) }, clientAssertionRejected('the token has expired')],
      ['not yet valid', { client_assertion: await assertion('robot', keys.robotRsa, { nbf: now() + 60 }) }, clientAssertionRejected('the token is not yet valid')],
      ['lives longer than an hour', { client_assertion: await assertion('robot', keys.robotRsa, { exp: now() + 7200 }) }, clientAssertionRejected('the assertion lives longer than the 3600 seconds allowed')],
      ['no jti', { client_assertion: await assertion('robot', keys.robotRsa, { jti: undefined }) }, clientAssertionRejected('the jti claim is missing')],
      ['oversized', { client_assertion: await assertion('robot', keys.robotRsa, { padding: 'x'.repeat(9000) }) }, clientAssertionRejected('the token is longer than 8192 characters')],
      ...Object.entries(malformed).map(([name, a]): [string, Record<string, unknown>, object] => [`malformed: ${name}`, { client_assertion: a }, clientAssertionRejected(MALFORMED[name as keyof typeof MALFORMED])]),
      ['client registered for secrets only', { client_id: 'sentinel', client_assertion: await assertion('sentinel', { ...keys.robotEc, kid: 'sentinel-ec' }) }],
      ['client with no keys', { client_id: 'backend', client_assertion: await assertion('backend', keys.robotRsa) }],
    ]
    for (const [name, fields, body = invalidClient] of cases) {
      const res = await token(login(fields))
      t.equal(res.statusCode, 401, `${name}: status`)
      t.same(res.json(), body, `${name}: body`)
    }
  })

  await t.test('an assertion and a secret together are one method too many', async (t) => {
    const res = await token(login({ client_id: 'sentinel', client_secret: SENTINEL_SECRET, client_assertion: await assertion('sentinel', { ...keys.robotEc, kid: 'sentinel-ec' }) }))
    t.equal(res.statusCode, 400)
    t.same(res.json(), { error: 'invalid_request', error_description: 'Use only one client authentication method.' })
  })
})
