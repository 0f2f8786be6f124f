// Walks the whole error catalog: every entry is provoked through HTTP and answered with exactly
// its documented status and body. A catalog entry without a case here fails this test.
import Database from 'better-sqlite3'
import path from 'node:path'
import t from 'tap'
import { catalog } from '../src/errors.js'
import { SQLITE_FILE } from '../src/store/sqlite.js'
import { buildTestApp, passwordBody } from './helpers/app.js'
import { fixture, PASSWORD } from './helpers/fixture.js'
import { startUserStore } from './helpers/user-store-server.js'

interface Case {
  key: keyof typeof catalog
  name: string
  request: { method?: 'GET' | 'POST' | 'PUT', url?: string, body?: unknown, payload?: string, headers?: Record<string, string> }
  status: number
  body: { error: string, error_description: string }
}

const ro = (fields: Record<string, unknown>) => ({ body: passwordBody(fields) })
const without = (field: string) => ({ body: Object.fromEntries(Object.entries(passwordBody()).filter(([k]) => k !== field)) })
const invalidRequest = (description: string) => ({ error: 'invalid_request', error_description: description })

const cases: Case[] = [
  // Seed 003, password grant, HTTP 400.
  { key: 'missing_parameter', name: 'missing username', request: without('username'), status: 400, body: invalidRequest('missing username parameter') },
  { key: 'missing_parameter', name: 'missing password', request: without('password'), status: 400, body: invalidRequest('missing password parameter') },
  { key: 'missing_parameter', name: 'missing connection', request: without('connection'), status: 400, body: invalidRequest('missing connection parameter') },
  { key: 'parameter_not_string', name: 'scope not a string', request: ro({ scope: ['openid', 'profile'] }), status: 400, body: invalidRequest('scope parameter must be a string') },
  { key: 'strategy_not_supported', name: 'social connection', request: ro({ connection: 'google' }), status: 400, body: invalidRequest('specified strategy does not support requested operation') },
  // Seed 003, password grant, HTTP 401.
  { key: 'invalid_user_password', name: 'wrong password', request: ro({ password: 'nope' }), status: 401, body: { error: 'invalid_user_password', error_description: 'Wrong email or password.' } },
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
  { key: 'grant_not_allowed', name: 'grant not allowed for the client', request: ro({ client_id: 'machine' }), status: 403, body: { error: 'unauthorized_client', error_description: "Grant type 'password' not allowed for the client." } },
  { key: 'email_not_verified', name: 'login policy: verified email required', request: ro({ client_id: 'strict-spa', username: 'carol@acme.test' }), status: 403, body: { error: 'access_denied', error_description: 'Please verify your email before logging in.' } },
  // Request shape beyond the seed.
  { key: 'missing_parameter', name: 'missing grant_type', request: without('grant_type'), status: 400, body: invalidRequest('missing grant_type parameter') },
  { key: 'parameter_not_string', name: 'username not a string', request: ro({ username: 42 }), status: 400, body: invalidRequest('username parameter must be a string') },
  { key: 'body_not_object', name: 'JSON body that is not an object', request: { payload: '["client_id"]', headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body must be a JSON object.') },
  { key: 'unsupported_grant_type', name: 'unknown grant type', request: ro({ grant_type: 'magic' }), status: 400, body: { error: 'unsupported_grant_type', error_description: 'Unsupported grant type: magic' } },
  { key: 'connection_unavailable', name: 'custom database store failing', request: ro({ connection: 'legacy-db', username: 'broken@legacy.test' }), status: 503, body: { error: 'temporarily_unavailable', error_description: "The connection's user store did not answer. Try again later." } },
  { key: 'unknown_tenant', name: 'host no tenant serves (no default tenant)', request: { url: '/oauth/ro', body: passwordBody(), headers: { host: 'nowhere.test' } }, status: 400, body: invalidRequest('no tenant is configured for this host') },
  // HTTP level.
  { key: 'not_found', name: 'unknown path', request: { method: 'GET', url: '/nope' }, status: 404, body: { error: 'not_found', error_description: 'The requested endpoint does not exist.' } },
  { key: 'method_not_allowed', name: 'wrong method', request: { method: 'PUT', url: '/oauth/ro' }, status: 405, body: { error: 'method_not_allowed', error_description: 'The PUT method is not allowed on /oauth/ro.' } },
  { key: 'malformed_json', name: 'malformed JSON', request: { payload: '{"client_id": ', headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body is not valid JSON.') },
  { key: 'unsupported_content_type', name: 'wrong content type', request: { payload: 'client_id=spa', headers: { 'content-type': 'text/plain' } }, status: 400, body: invalidRequest('The request body must be application/json or application/x-www-form-urlencoded.') },
  { key: 'body_too_large', name: 'oversized body', request: { payload: JSON.stringify({ client_id: 'x'.repeat(70 * 1024) }), headers: { 'content-type': 'application/json' } }, status: 400, body: invalidRequest('The request body is too large.') },
  { key: 'bad_request', name: 'request Fastify cannot read (bad content-length)', request: { payload: '{}', headers: { 'content-type': 'application/json', 'content-length': '9' } }, status: 400, body: invalidRequest('The request could not be understood.') },
]

t.test('every catalog entry has a case', async (t) => {
  t.same([...new Set(cases.map((c) => c.key))].sort(), [...Object.keys(catalog)].filter((k) => k !== 'server_error').sort())
})

t.test('each documented failure answers its exact status and body', async (t) => {
  const userStore = await startUserStore(t)
  const app = await buildTestApp(t, { document: fixture({ loginUrl: userStore.url }) })
  const noDefault = fixture()
  noDefault.tenants[0].default = false
  const appWithoutDefault = await buildTestApp(t, { document: noDefault })

  for (const c of cases) {
    const target = c.key === 'unknown_tenant' ? appWithoutDefault : app
    const res = await target.inject({
      method: c.request.method ?? 'POST',
      url: c.request.url ?? '/oauth/ro',
      headers: { host: 'acme.test', ...c.request.headers },
      ...(c.request.payload !== undefined ? { payload: c.request.payload } : c.request.body !== undefined ? { payload: c.request.body as object } : {}),
    })
    t.equal(res.statusCode, c.status, `${c.name}: status`)
    t.same(res.json(), c.body, `${c.name}: body`)
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8', `${c.name}: JSON`)
    if (c.key === 'method_not_allowed') t.equal(res.headers.allow, 'POST', 'Allow header names the methods')
  }
})

t.test('an unexpected failure answers server_error with a request id found in the log, and no internals', async (t) => {
  const lines: string[] = []
  const logger = { level: 'info', stream: { write: (line: string) => { lines.push(line) } } }
  const config = { dataDir: t.testdir() }
  const app = await buildTestApp(t, { config, logger })
  // A tenant whose signing key vanished cannot mint tokens: an internal fault, not the client's.
  const db = new Database(path.join(config.dataDir, SQLITE_FILE))
  db.prepare('DELETE FROM signing_keys').run()
  db.close()

  const res = await app.inject({ method: 'POST', url: '/oauth/ro', headers: { host: 'acme.test' }, payload: passwordBody({ password: PASSWORD }) })
  const requestId = res.headers['x-request-id'] as string
  t.equal(res.statusCode, 500)
  t.same(res.json(), { error: 'server_error', error_description: `An internal error occurred. Reference: ${requestId}` })
  t.match(requestId, /^[0-9a-f-]{36}$/)
  const logged = lines.map((l) => JSON.parse(l)).find((l) => l.reqId === requestId && l.level === 50)
  t.ok(logged, 'the error is logged under the same request id')
  t.match(logged.err.message, /no signing key/)
  t.notMatch(res.body, /signing key|stack|at /, 'the client sees no internals')
})
