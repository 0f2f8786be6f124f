// /oauth/ro with the password grant: seed 003's password-grant table and "All grant types" table,
// and the request-shape and HTTP-level failures of the core.
import { buildTestApp, passwordBody } from '../helpers/app.js'
import { fixture } from '../helpers/fixture.js'
import { startUserStore } from '../helpers/user-store-server.js'
import type { CatalogGroup } from './types.js'

const ro = (fields: Record<string, unknown>) => ({ body: passwordBody(fields) })
const without = (field: string) => ({ body: Object.fromEntries(Object.entries(passwordBody()).filter(([k]) => k !== field)) })
const invalidRequest = (description: string) => ({ error: 'invalid_request', error_description: description })

export const group: CatalogGroup = {
  async setup (t) {
    const userStore = await startUserStore(t)
    const noDefault = fixture()
    noDefault.tenants[0].default = false
    return {
      main: await buildTestApp(t, { document: fixture({ loginUrl: userStore.url }) }),
      noDefaultTenant: await buildTestApp(t, { document: noDefault }),
    }
  },
  cases: [
    // Seed 003, password grant, HTTP 400.
    { key: 'missing_parameter', name: 'missing username', request: without('username'), status: 400, body: invalidRequest('missing username parameter') },
    { key: 'missing_parameter', name: 'missing password', request: without('password'), status: 400, body: invalidRequest('missing password parameter') },
    { key: 'missing_parameter', name: 'missing connection', request: without('connection'), status: 400, body: invalidRequest('missing connection parameter') },
    { key: 'parameter_not_string', name: 'scope not a string', request: ro({ scope: ['openid', 'profile'] }), status: 400, body: invalidRequest('scope parameter must be a string') },
    { key: 'strategy_not_supported', name: 'social connection', request: ro({ connection: 'google' }), status: 400, body: invalidRequest('specified strategy does not support requested operation') },
    // Seed 003, password grant, HTTP 401.
    { key: 'invalid_user_password', name: 'wrong password', request: ro({ password: 'nope' }), status: 401, body: { error: 'invalid_user_password', error_description: 'Wrong email or password.' } },
    { key: 'invalid_user_password', name: 'unknown user', request: ro({ username: 'nobody@acme.test' }), status: 401, body: { error: 'invalid_user_password', error_description: 'Wrong email or password.' } },
    { key: 'user_blocked', name: 'blocked user', request: ro({ username: 'bob@acme.test' }), status: 401, body: { error: 'unauthorized', error_description: 'user is blocked' } },
    // Seed 003, all grant types, HTTP 400.
    { key: 'missing_parameter', name: 'missing client_id', request: without('client_id'), status: 400, body: invalidRequest('missing client_id parameter') },
    { key: 'connection_not_found', name: 'unknown connection', request: ro({ connection: 'nowhere' }), status: 400, body: invalidRequest('the connection was not found') },
    { key: 'connection_disabled', name: 'connection not enabled for the client', request: ro({ connection: 'disabled-db' }), status: 400, body: invalidRequest('the connection was disabled') },
    { key: 'connection_not_configured', name: 'custom database without login URL', request: ro({ connection: 'unconfigured-db' }), status: 400, body: invalidRequest('The connection is not yet configured: it has no login URL for its user store.') },
    { key: 'connection_not_found_for_tenant', name: 'connection of another tenant', request: ro({ connection: 'other-db' }), status: 400, body: invalidRequest('the connection was not found for tenant acme') },
    { key: 'dotted_fields', name: 'profile with a dotted field', request: ro({ connection: 'legacy-db', username: 'dotted@legacy.test' }), status: 400, body: invalidRequest('Fields with "." are not allowed, please remove all dotted fields. Example: user_metadata.favourite.colour') },
    // Seed 003, all grant types, HTTP 403.
    { key: 'invalid_client', name: 'unknown client', request: ro({ client_id: 'nobody' }), status: 403, body: { error: 'unauthorized_client', error_description: 'invalid client' } },
    { key: 'invalid_client', name: 'client of another tenant', request: ro({ client_id: 'other-app' }), status: 403, body: { error: 'unauthorized_client', error_description: 'invalid client' } },
    { key: 'invalid_client_credentials', name: 'confidential client without its secret', request: ro({ client_id: 'backend' }), status: 401, body: { error: 'invalid_client', error_description: 'Client authentication failed.' } },
    { key: 'grant_not_allowed', name: 'grant not allowed for the client', request: ro({ client_id: 'machine', client_secret: 'machine-secret-0123456789' }), status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'password' not allowed for the client." } },
    { key: 'email_not_verified', name: 'login policy: verified email required', request: ro({ client_id: 'strict-spa', username: 'carol@acme.test' }), status: 403, body: { error: 'access_denied', error_description: 'Please verify your email before logging in.' } },
    // Request shape beyond the seed.
    { key: 'missing_parameter', name: 'missing grant_type', request: without('grant_type'), status: 400, body: invalidRequest('missing grant_type parameter') },
    { key: 'missing_parameter', name: 'no body at all', request: { headers: {} }, status: 400, body: invalidRequest('missing client_id parameter') },
    { key: 'parameter_not_string', name: 'username not a string', request: ro({ username: 42 }), status: 400, body: invalidRequest('username parameter must be a string') },
    { key: 'body_not_object', name: 'JSON body that is not an object', request: { payload: '["client_id"]', headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body must be a JSON object.') },
    { key: 'unsupported_grant_type', name: 'unknown grant type', request: ro({ grant_type: 'magic' }), status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: magic' } },
    { key: 'connection_unavailable', name: 'custom database store failing', request: ro({ connection: 'legacy-db', username: 'broken@legacy.test' }), status: 503, body: { error: 'temporarily_unavailable', error_description: "The connection's user store did not answer. Try again later." } },
    { key: 'unknown_tenant', app: 'noDefaultTenant', name: 'host no tenant serves (no default tenant)', request: { body: passwordBody(), headers: { host: 'nowhere.test' } }, status: 400, body: invalidRequest('no tenant is configured for this host') },
    // HTTP level (seeds 000 to 002).
    { key: 'not_found', name: 'unknown path', request: { method: 'GET', url: '/nope' }, status: 404, body: { error: 'not_found', error_description: 'The requested endpoint does not exist.' } },
    { key: 'method_not_allowed', name: 'wrong method', request: { method: 'PUT', url: '/oauth/ro' }, status: 405, body: { error: 'method_not_allowed', error_description: 'The PUT method is not allowed on /oauth/ro.' }, headers: { allow: 'POST' } },
    { key: 'malformed_json', name: 'malformed JSON', request: { payload: '{"client_id": ', headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body is not valid JSON.') },
    { key: 'malformed_json', name: 'empty JSON body', request: { payload: '', headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body is not valid JSON.') },
    { key: 'unsupported_content_type', name: 'wrong content type', request: { payload: 'client_id=spa', headers: { 'content-type': 'text/plain' } }, status: 400, body: invalidRequest('The request body must be application/json or application/x-www-form-urlencoded.') },
    { key: 'body_too_large', name: 'oversized body', request: { payload: JSON.stringify({ client_id: 'x'.repeat(70 * 1024) }), headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body is too large.') },
    { key: 'bad_request', name: 'request Fastify cannot read (bad content-length)', request: { payload: '{}', headers: { 'content-type': 'application/json', 'content-length': '9' } }, status: 400, body: invalidRequest('The request could not be understood.') },
  ],
}
