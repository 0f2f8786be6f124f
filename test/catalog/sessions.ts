// Sessions: APIs and scopes on /oauth/token, client credentials, refresh tokens,
// /oauth/revoke, /userinfo, /dbconnections/signup and CORS.
import { buildTestApp } from '../helpers/app.js'
import { PASSWORD } from '../helpers/fixture.js'
import { seedRefreshToken, signWithTenantKey } from '../helpers/seed.js'
import { MACHINE_SECRET, ORDERS_API, OTHER_SPA_ORIGIN, sessionsFixture } from '../helpers/sessions-fixture.js'
import type { CatalogGroup } from './types.js'

const token = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({ url: '/oauth/token', body, headers })
const machine = (body: Record<string, unknown>) => token({ grant_type: 'client_credentials', client_id: 'machine', client_secret: 'machine-secret-0123456789', ...body })
const login = (body: Record<string, unknown>) => token({ grant_type: 'password', client_id: 'spa', username: 'alice@acme.test', password: PASSWORD, ...body })
const refresh = (body: Record<string, unknown>) => token({ grant_type: 'refresh_token', client_id: 'spa', ...body })
const signupBody = (body: Record<string, unknown>) => ({ url: '/dbconnections/signup', body: { client_id: 'spa', connection: 'db', email: 'new@acme.test', password: 'a long enough password', ...body } })
const invalidRequest = (description: string) => ({ error: 'invalid_request', error_description: description })
const bearer = (description: string) => `Bearer error="invalid_token", error_description="${description}"`

// Filled in by setup with tokens signed by the tenant's real key; read when each case is sent.
const expired: Record<string, string> = {}
const blockedUser: Record<string, string> = {}

export const group: CatalogGroup = {
  async setup (t) {
    const dataDir = t.testdir()
    const app = await buildTestApp(t, { document: sessionsFixture(), config: { dataDir } })
    await seedRefreshToken(dataDir, 'known-refresh-token', { clientId: 'spa', userId: 'auth0|alice', scope: 'openid offline_access' })
    const now = Math.floor(Date.now() / 1000)
    const base = { iss: 'http://acme.test/', aud: 'http://acme.test/userinfo', client_id: 'spa', scope: 'openid' }
    expired.authorization = `Bearer ${await signWithTenantKey(dataDir, { ...base, sub: 'auth0|alice', iat: now - 7200, exp: now - 3600 })}`
    const bob = await app.tollgate.store.userByLogin((await app.tollgate.store.connectionByName((await app.tollgate.store.tenantByName('acme'))!.id, 'db'))!.id, 'bob@acme.test')
    blockedUser.authorization = `Bearer ${await signWithTenantKey(dataDir, { ...base, sub: bob!.id, iat: now, exp: now + 3600 })}`
    return app
  },
  cases: [
    // APIs and scopes.
    { key: 'missing_audience', name: 'client credentials without audience', request: machine({}), status: 403, body: { error: 'access_denied', error_description: 'No audience parameter was provided, and no default audience has been configured' } },
    { key: 'unknown_audience', name: 'client credentials for an unknown API', request: machine({ audience: 'https://nowhere.test/' }), status: 403, body: { error: 'access_denied', error_description: 'Service not found: https://nowhere.test/' } },
    { key: 'unknown_audience', name: 'password grant for an unknown API', request: login({ audience: 'https://nowhere.test/' }), status: 403, body: { error: 'access_denied', error_description: 'Service not found: https://nowhere.test/' } },
    { key: 'client_not_authorized_for_api', name: 'client credentials without a client grant', request: token({ grant_type: 'client_credentials', client_id: 'reporter', client_secret: MACHINE_SECRET, audience: ORDERS_API }), status: 403, body: { error: 'access_denied', error_description: `Client is not authorized to access "${ORDERS_API}". You need to create a "client-grant" associated to this API.` } },
    { key: 'scope_not_granted', name: 'client credentials asking for a scope not granted', request: machine({ audience: ORDERS_API, scope: 'read:orders write:orders' }), status: 403, body: { error: 'access_denied', error_description: 'Client has not been granted scopes: write:orders' } },
    { key: 'scope_not_allowed', name: 'password grant asking for a scope the API does not define', request: login({ audience: ORDERS_API, scope: 'openid read:orders delete:orders' }), status: 400, body: { error: 'invalid_scope', error_description: `The API "${ORDERS_API}" does not define the scopes: delete:orders` } },
    { key: 'grant_not_allowed', name: 'client credentials for a public client', request: token({ grant_type: 'client_credentials', client_id: 'spa', audience: ORDERS_API }), status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'client_credentials' not allowed for the client." } },
    { key: 'grant_not_allowed', name: 'refresh_token grant not allowed for the client', request: token({ grant_type: 'refresh_token', client_id: 'machine', client_secret: MACHINE_SECRET, refresh_token: 'x' }), status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'refresh_token' not allowed for the client." } },
    { key: 'unsupported_grant_type', name: 'authorization_code is not served', request: token({ grant_type: 'authorization_code', client_id: 'spa', code: 'x' }), status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: authorization_code' } },
    // Refresh tokens.
    { key: 'missing_parameter', name: 'refresh without refresh_token', request: refresh({}), status: 400, body: invalidRequest('missing refresh_token parameter') },
    { key: 'invalid_refresh_token', name: 'unknown refresh token', request: refresh({ refresh_token: 'no-such-token' }), status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } },
    { key: 'invalid_refresh_token', name: 'refresh token of another client', request: refresh({ client_id: 'mobile', refresh_token: 'known-refresh-token' }), status: 403, body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' } },
    { key: 'refresh_scope_exceeds', name: 'refresh asking for more scope than granted', request: refresh({ refresh_token: 'known-refresh-token', scope: 'openid email' }), status: 400, body: { error: 'invalid_scope', error_description: 'The requested scope exceeds the scope granted by the refresh token.' } },
    // Revocation.
    { key: 'missing_parameter', name: 'revoke without token', request: { url: '/oauth/revoke', body: { client_id: 'spa' } }, status: 400, body: invalidRequest('missing token parameter') },
    { key: 'missing_parameter', name: 'revoke without client_id', request: { url: '/oauth/revoke', body: { token: 'x' } }, status: 400, body: invalidRequest('missing client_id parameter') },
    { key: 'invalid_client_credentials', name: 'revoke with a wrong client secret', request: { url: '/oauth/revoke', body: { token: 'x', client_id: 'machine', client_secret: 'wrong-secret-0000000000' } }, status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } },
    // /userinfo.
    { key: 'access_token_missing', name: 'userinfo without a token', request: { method: 'GET', url: '/userinfo' }, status: 401, body: { error: 'invalid_token', error_description: 'The request has no Bearer access token.' }, headers: { 'www-authenticate': bearer('The request has no Bearer access token.') } },
    { key: 'access_token_invalid', name: 'userinfo with a token that is no JWT', request: { method: 'GET', url: '/userinfo', headers: { authorization: 'Bearer not-a-jwt' } }, status: 401, body: { error: 'invalid_token', error_description: 'The access token is invalid.' }, headers: { 'www-authenticate': bearer('The access token is invalid.') } },
    { key: 'access_token_expired', name: 'userinfo with an expired token', request: { method: 'GET', url: '/userinfo', headers: expired }, status: 401, body: { error: 'invalid_token', error_description: 'The access token expired.' }, headers: { 'www-authenticate': bearer('The access token expired.') } },
    { key: 'access_token_user_unavailable', name: 'userinfo for a blocked user', request: { method: 'GET', url: '/userinfo', headers: blockedUser }, status: 401, body: { error: 'invalid_token', error_description: 'The user of this access token is blocked or no longer exists.' }, headers: { 'www-authenticate': bearer('The user of this access token is blocked or no longer exists.') } },
    // Signup.
    { key: 'user_exists', name: 'signup with an email that exists', request: signupBody({ email: 'alice@acme.test' }), status: 409, body: { error: 'user_exists', error_description: 'The user already exists.' } },
    { key: 'user_exists', name: 'signup with a username that exists', request: signupBody({ username: 'alice' }), status: 409, body: { error: 'user_exists', error_description: 'The user already exists.' } },
    { key: 'invalid_password', name: 'signup with a password shorter than the default policy', request: signupBody({ password: 'short' }), status: 400, body: { error: 'invalid_password', error_description: 'Password is too weak. It must be at least 8 characters in length.' } },
    { key: 'invalid_password', name: 'signup with a password missing character classes', request: signupBody({ connection: 'strict-db', password: 'onlylowercaseletters' }), status: 400, body: { error: 'invalid_password', error_description: 'Password is too weak. It must be at least 10 characters in length and contain at least 3 of the following 4 types of characters: lower case letters (a-z), upper case letters (A-Z), numbers (i.e. 0-9), special characters (e.g. !@#$%^&*).' } },
    { key: 'invalid_email', name: 'signup with an invalid email', request: signupBody({ email: 'not-an-email' }), status: 400, body: invalidRequest('email parameter is not a valid email address') },
    { key: 'invalid_username', name: 'signup with a username containing @', request: signupBody({ username: 'a@b' }), status: 400, body: invalidRequest('username parameter must be 1 to 128 characters, without "@" or whitespace') },
    { key: 'invalid_user_metadata', name: 'signup with non-string metadata', request: signupBody({ user_metadata: { plan: 42 } }), status: 400, body: invalidRequest('user_metadata must be an object of at most 10 properties whose values are strings of at most 500 characters') },
    { key: 'parameter_not_object', name: 'signup with metadata that is no object', request: signupBody({ user_metadata: 'gold' }), status: 400, body: invalidRequest('user_metadata parameter must be an object') },
    { key: 'dotted_fields', name: 'signup with a dotted metadata key', request: signupBody({ user_metadata: { 'favourite.colour': 'blue' } }), status: 400, body: invalidRequest('Fields with "." are not allowed, please remove all dotted fields. Example: user_metadata.favourite.colour') },
    { key: 'missing_parameter', name: 'signup without password', request: { url: '/dbconnections/signup', body: { client_id: 'spa', connection: 'db', email: 'x@acme.test' } }, status: 400, body: invalidRequest('missing password parameter') },
    { key: 'invalid_client', name: 'signup for an unknown client', request: signupBody({ client_id: 'nobody' }), status: 403, body: { error: 'unauthorized_client', error_description: 'invalid client' } },
    { key: 'strategy_not_supported', name: 'signup on a social connection', request: signupBody({ connection: 'google' }), status: 400, body: invalidRequest('specified strategy does not support requested operation') },
    { key: 'connection_disabled', name: 'signup on a connection not enabled for the client', request: signupBody({ connection: 'disabled-db' }), status: 400, body: invalidRequest('the connection was disabled') },
    // CORS.
    { key: 'origin_not_allowed', name: 'preflight from an origin no client lists', request: { method: 'OPTIONS', url: '/oauth/token', headers: { origin: 'https://evil.test', 'access-control-request-method': 'POST' } }, status: 403, body: { error: 'access_denied', error_description: 'Origin https://evil.test is not an allowed web origin of any client of this tenant.' } },
    { key: 'origin_not_allowed_for_client', name: 'token request from another client\'s origin', request: token({ grant_type: 'password', client_id: 'web', username: 'alice@acme.test', password: PASSWORD }, { origin: OTHER_SPA_ORIGIN }), status: 403, body: { error: 'access_denied', error_description: `Origin ${OTHER_SPA_ORIGIN} is not an allowed web origin of client web.` } },
    { key: 'origin_not_allowed_for_client', name: 'signup from an origin the client does not list', request: { ...signupBody({ client_id: 'web' }), headers: { origin: 'https://evil.test' } }, status: 403, body: { error: 'access_denied', error_description: 'Origin https://evil.test is not an allowed web origin of client web.' } },
  ],
}
