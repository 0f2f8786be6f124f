// What the HTTP server answers before any route runs, and the bounds on request fields, in the
// catalog's shape. Raw cases go over a real socket: no client library would send them.
import { defaults } from '../../src/config.js'
import { buildTestApp, passwordBody } from '../helpers/app.js'
import type { CatalogGroup } from './types.js'

const invalidRequest = (error_description: string) => ({ error: 'invalid_request', error_description })
const post = (headers: string, body = '') => `POST /oauth/ro HTTP/1.1\r\nHost: acme.test\r\n${headers}\r\n${body}`

export const group: CatalogGroup = {
  // Short timeouts, so that the request that never finishes is answered soon.
  setup: (t) => buildTestApp(t, { config: { server: { ...defaults.server, requestTimeoutMs: 2000, headersTimeoutMs: 1000, timeoutCheckIntervalMs: 100 } } }),
  cases: [
    { key: 'malformed_http', name: 'two Content-Length headers', request: { raw: post('Content-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n', '{}') }, status: 400, body: invalidRequest('The request is not well-formed HTTP.') },
    { key: 'malformed_http', name: 'Transfer-Encoding with Content-Length', request: { raw: post('Content-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n', '2\r\n{}\r\n0\r\n\r\n') }, status: 400, body: invalidRequest('The request is not well-formed HTTP.') },
    { key: 'malformed_http', name: 'broken chunking', request: { raw: post('Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n', 'zz\r\n{}\r\n0\r\n\r\n') }, status: 400, body: invalidRequest('The request is not well-formed HTTP.') },
    { key: 'headers_too_large', name: 'headers beyond 16 KiB', request: { raw: post(`X-Padding: ${'a'.repeat(20000)}\r\n`) }, status: 431, body: invalidRequest('The request headers are too large.') },
    { key: 'request_timeout', name: 'headers never finished', request: { raw: 'POST /oauth/ro HTTP/1.1\r\nHost: acme.test\r\n' }, status: 408, body: invalidRequest('The request did not arrive in time.') },
    { key: 'expectation_failed', name: 'Expect other than 100-continue', request: { raw: post('Expect: 200-ok\r\nContent-Length: 0\r\n') }, status: 417, body: invalidRequest('Only the Expect value 100-continue is supported.') },
    { key: 'missing_host', name: 'HTTP/1.1 without Host', request: { raw: 'GET /.well-known/jwks.json HTTP/1.1\r\nConnection: close\r\n\r\n' }, status: 400, body: invalidRequest('The request has no Host header.') },
    { key: 'malformed_url', name: 'URL with broken percent-encoding', request: { method: 'GET', url: '/%E0%A4%A' }, status: 400, body: invalidRequest('The request URL is not well-formed.') },
    { key: 'parameter_too_long', name: 'email beyond its bound', request: { url: '/dbconnections/signup', body: { client_id: 'spa', connection: 'db', email: `${'a'.repeat(60000)}@x.y`, password: 'x' } }, status: 400, body: invalidRequest('email parameter is too long') },
    { key: 'parameter_too_long', name: 'password beyond its bound', request: { body: passwordBody({ password: 'p'.repeat(1025) }) }, status: 400, body: invalidRequest('password parameter is too long') },
  ],
}
