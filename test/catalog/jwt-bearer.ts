// The jwt-bearer grants: seed 003's id_token exchange on /oauth/ro, RFC 7523 assertions on
// /oauth/token, and private_key_jwt client authentication.
import { buildTestApp } from '../helpers/app.js'
import { PASSWORD } from '../helpers/fixture.js'
import {
  assertion, CLIENT_ASSERTION_TYPE, assertionRefused, clientAssertionRejected, hmacWithPublicKey, idToken, invalidClient, invalidIdToken, ISSUER, JWT_BEARER,
  jwtBearerFixture, keys, now, unsigned, userRefused,
} from '../helpers/jwt-bearer.js'
import type { CatalogGroup } from './types.js'

const exchange = (fields: Record<string, unknown>) => ({ body: { grant_type: JWT_BEARER, client_id: 'spa', ...fields } })
const grant = (fields: Record<string, unknown>) => ({ url: '/oauth/token', body: { grant_type: JWT_BEARER, audience: 'https://api.acme.test/', ...fields } })
const invalidRequest = (description: string) => ({ error: 'invalid_request', error_description: description })
const alice = { iss: ISSUER, sub: 'auth0|alice', aud: 'spa', iat: now(), exp: now() + 600 }

export const group: CatalogGroup = {
  setup: (t) => buildTestApp(t, { document: jwtBearerFixture() }),
  cases: [
    // Seed 003, /oauth/ro, grant type jwt-bearer, HTTP 400 (device is reported before id_token).
    { key: 'missing_parameter', name: 'exchange: missing device', request: exchange({}), status: 400, body: invalidRequest('missing device parameter') },
    { key: 'missing_parameter', name: 'exchange: missing id_token', request: exchange({ device: 'pixel-7' }), status: 400, body: invalidRequest('missing id_token parameter') },
    { key: 'invalid_id_token', name: 'exchange: HS256 forged with the public key', request: exchange({ device: 'pixel-7', id_token: hmacWithPublicKey(keys.acme, alice) }), status: 400, body: invalidIdToken },
    { key: 'invalid_id_token', name: 'exchange: expired id_token', request: exchange({ device: 'pixel-7', id_token: await idToken({ exp: now() - 3600 }) }), status: 400, body: invalidIdToken },
    { key: 'jwt_bearer_user_refused', name: 'exchange: blocked user', request: exchange({ device: 'pixel-7', id_token: await idToken({ sub: 'auth0|bob', sid: 'a-session-of-bob' }) }), status: 400, body: userRefused },
    // /oauth/token, RFC 7523 section 2.1.
    { key: 'missing_parameter', name: 'assertion grant: missing assertion', request: grant({}), status: 400, body: invalidRequest('missing assertion parameter') },
    { key: 'missing_parameter', name: 'assertion grant: missing audience', request: grant({ audience: undefined, assertion: await assertion('robot', keys.robotRsa) }), status: 400, body: invalidRequest('missing audience parameter') },
    { key: 'invalid_assertion', name: 'assertion grant: alg none', request: grant({ assertion: unsigned(keys.robotRsa, { iss: 'robot', sub: 'robot', aud: ISSUER, exp: now() + 60, jti: 'j1' }) }), status: 400, body: assertionRefused('the algorithm is not the key\'s') },
    { key: 'invalid_assertion', name: 'assertion grant: unknown kid', request: grant({ assertion: await assertion('robot', keys.robotRsa, {}, { kid: 'nope' }) }), status: 400, body: assertionRefused('no key has this kid') },
    { key: 'invalid_assertion', name: 'assertion grant: lives longer than the maximum', request: grant({ assertion: await assertion('robot', keys.robotRsa, { exp: now() + 7200 }) }), status: 400, body: assertionRefused('the assertion lives longer than the 3600 seconds allowed') },
    { key: 'jwt_bearer_user_refused', name: 'assertion grant: user that does not exist', request: grant({ assertion: await assertion('butler', keys.butlerEd, { sub: 'auth0|ghost' }) }), status: 400, body: userRefused },
    // RFC 7523 section 2.2.
    {
      key: 'client_assertion_rejected',
      name: 'private_key_jwt: assertion signed by another key',
      request: { url: '/oauth/token', body: { grant_type: 'password', username: 'alice@acme.test', password: PASSWORD, client_id: 'robot', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: await assertion('robot', keys.stranger) } },
      status: 401,
      body: clientAssertionRejected('the signature does not verify'),
    },
  ],
}
