// /oauth/token: client authentication (RFC 6749 section 2.3) and the password grants, with Auth0's
// /oauth/token bodies.
import { buildTestApp } from '../helpers/app.js'
import { BACKEND_SECRET, PASSWORD } from '../helpers/fixture.js'
import type { CatalogGroup } from './types.js'

const PASSWORD_REALM = 'http://auth0.com/oauth/grant-type/password-realm'
const token = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  ({ url: '/oauth/token', body: { grant_type: 'password', username: 'alice@acme.test', password: PASSWORD, ...body }, headers })
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` })
const invalidClient = { error: 'invalid_client', error_description: 'Client authentication failed.' }

export const group: CatalogGroup = {
  setup: (t) => buildTestApp(t),
  cases: [
    { key: 'wrong_credentials_grant', name: 'wrong password', request: token({ client_id: 'spa', password: 'nope' }), status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or password.' } },
    { key: 'wrong_credentials_grant', name: 'wrong password, password-realm', request: token({ client_id: 'spa', grant_type: PASSWORD_REALM, realm: 'db', password: 'nope' }), status: 403, body: { error: 'invalid_grant', error_description: 'Wrong email or password.' } },
    { key: 'user_blocked', name: 'blocked user', request: token({ client_id: 'spa', username: 'bob@acme.test' }), status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' } },
    { key: 'connection_disabled', name: 'realm not enabled for the client', request: token({ client_id: 'spa', grant_type: PASSWORD_REALM, realm: 'disabled-db' }), status: 400, body: { error: 'invalid_request', error_description: 'the connection was disabled' } },
    { key: 'no_default_connection', name: 'no realm and no default connection', request: token({ client_id: 'other-app' }, { host: 'other.test' }), status: 400, body: { error: 'invalid_request', error_description: 'Authorization server not configured with default connection.' } },
    { key: 'missing_parameter', name: 'missing grant_type', request: { url: '/oauth/token', body: { client_id: 'spa' } }, status: 400, body: { error: 'invalid_request', error_description: 'missing grant_type parameter' } },
    { key: 'missing_parameter', name: 'missing client_id', request: token({}), status: 400, body: { error: 'invalid_request', error_description: 'missing client_id parameter' } },
    { key: 'missing_parameter', name: 'missing username', request: { url: '/oauth/token', body: { grant_type: 'password', client_id: 'spa', password: PASSWORD } }, status: 400, body: { error: 'invalid_request', error_description: 'missing username parameter' } },
    { key: 'unsupported_grant_type', name: 'grant type /oauth/token does not serve', request: token({ client_id: 'spa', grant_type: 'magic' }), status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: magic' } },
    { key: 'grant_not_allowed', name: 'grant not allowed for the client', request: token({ client_id: 'strict-spa', grant_type: PASSWORD_REALM }), status: 403, body: { error: 'unauthorized_client', error_description: `Grant type '${PASSWORD_REALM}' not allowed for the client.` } },
    { key: 'invalid_client_credentials', name: 'unknown client', request: token({ client_id: 'nobody' }), status: 401, body: invalidClient },
    { key: 'invalid_client_credentials', name: 'confidential client without its secret', request: token({ client_id: 'backend' }), status: 401, body: invalidClient },
    { key: 'invalid_client_credentials', name: 'wrong client_secret (post)', request: token({ client_id: 'backend', client_secret: 'wrong-secret-000000000' }), status: 401, body: invalidClient },
    { key: 'invalid_client_credentials', name: 'wrong client_secret (basic)', request: token({}, basic('backend', 'wrong')), status: 401, body: invalidClient, headers: { 'www-authenticate': 'Basic realm="token"' } },
    { key: 'invalid_client_credentials', name: 'unreadable Basic header', request: token({}, { authorization: 'Basic !!!' }), status: 401, body: invalidClient, headers: { 'www-authenticate': 'Basic realm="token"' } },
    { key: 'invalid_client_credentials', name: 'method the client is not registered for', request: token({ client_id: 'basic-only', client_secret: BACKEND_SECRET }), status: 401, body: invalidClient },
    { key: 'invalid_client_credentials', name: 'public client sending a secret', request: token({ client_id: 'spa', client_secret: 'anything-at-all-0000' }), status: 401, body: invalidClient },
    { key: 'invalid_client_credentials', name: 'client of another tenant', request: token({ client_id: 'other-app' }), status: 401, body: invalidClient },
    { key: 'multiple_client_auth_methods', name: 'Basic and client_secret together', request: token({ client_id: 'backend', client_secret: BACKEND_SECRET }, basic('backend', BACKEND_SECRET)), status: 400, body: { error: 'invalid_request', error_description: 'Use only one client authentication method.' } },
    { key: 'method_not_allowed', name: 'GET /oauth/token', request: { method: 'GET', url: '/oauth/token' }, status: 405, body: { error: 'method_not_allowed', error_description: 'The GET method is not allowed on /oauth/token.' }, headers: { allow: 'POST' } },
  ],
}
