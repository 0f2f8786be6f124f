// The HTTP server's own limits, over real sockets: a slow or idle client is cut off within the
// configured bounds, connections are capped, and an oversized upload gets its 400 instead of a reset.
import net from 'node:net'
import type { AddressInfo } from 'node:net'
import t, { type Test } from 'tap'
import { ConfigError, defaults, loadConfig, type Config } from '../../src/config.js'
import { buildTestApp } from '../helpers/app.js'
import { rawRequest } from '../helpers/raw-http.js'

const timeoutBody = { error: 'invalid_request', error_description: 'The request did not arrive in time.' }

async function listening (t: Test, server: Partial<Config['server']>, config: Partial<Config> = {}) {
  const app = await buildTestApp(t, { config: { ...config, server: { ...defaults.server, timeoutCheckIntervalMs: 100, ...server } } })
  await app.listen({ host: '127.0.0.1', port: 0 })
  return { app, port: (app.server.address() as AddressInfo).port }
}

t.test('a client sending its headers slowly is answered 408 and cut off', async (t) => {
  const { port } = await listening(t, { requestTimeoutMs: 2000, headersTimeoutMs: 1000 })
  const answer = await rawRequest(port, ['POST /oauth/ro HTTP/1.1\r\n', 'Host: acme.test\r\n'])
  t.equal(answer.status, 408)
  t.same(JSON.parse(answer.body), timeoutBody)
})

t.test('a client trickling its body is cut off when the request timeout passes', async (t) => {
  const { port } = await listening(t, { requestTimeoutMs: 1500, headersTimeoutMs: 1000 })
  const started = Date.now()
  const answer = await rawRequest(port, [
    'POST /oauth/ro HTTP/1.1\r\nHost: acme.test\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"client_id":',
  ])
  t.ok(answer.ended === 'close' || answer.ended === 'ECONNRESET', 'the server closed the connection')
  // The bound is what is tested: generous, since checks run every interval on a busy machine.
  t.ok(Date.now() - started < 12000, 'within the bound')
})

t.test('an idle keep-alive connection is closed after the keep-alive timeout', async (t) => {
  const { port } = await listening(t, { keepAliveTimeoutMs: 300 })
  const answer = await rawRequest(port, ['GET /.well-known/jwks.json HTTP/1.1\r\nHost: acme.test\r\n\r\n'])
  t.equal(answer.status, 200)
  t.equal(answer.ended, 'close', 'closed by the server, not by the deadline')
})

t.test('connections beyond maxConnections are closed at once', async (t) => {
  const { app, port } = await listening(t, { maxConnections: 2 })
  const open = (): Promise<net.Socket> => new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => resolve(socket)).on('error', reject)
  })
  const held = [await open(), await open()]
  t.teardown(() => { for (const s of held) s.destroy() })
  // Both held connections are counted once the server has accepted them.
  for (let i = 0; i < 100 && await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n))) < 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const answer = await rawRequest(port, ['GET /.well-known/jwks.json HTTP/1.1\r\nHost: acme.test\r\n\r\n'])
  t.equal(answer.status, undefined, 'no answer: the connection was closed')
  held[0].destroy()
  await new Promise((resolve) => held[0].once('close', resolve))
  for (let i = 0; i < 100 && await new Promise<number>((resolve) => app.server.getConnections((_e, n) => resolve(n))) >= 2; i++) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const after = await rawRequest(port, ['GET /.well-known/jwks.json HTTP/1.1\r\nHost: acme.test\r\nConnection: close\r\n\r\n'])
  t.equal(after.status, 200, 'a freed slot serves again')
})

t.test('a 2 MB upload gets its 400 body_too_large, read by the client, not a reset', async (t) => {
  const { port } = await listening(t, {})
  const body = Buffer.alloc(2 * 1024 * 1024, 'a')
  for (let i = 0; i < 5; i++) {
    const answer = await rawRequest(port, [
      `POST /oauth/ro HTTP/1.1\r\nHost: acme.test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      // Written in pieces, as a client uploads.
      ...Array.from({ length: 32 }, (_, n) => body.subarray(n * 65536, (n + 1) * 65536)),
    ], 15000, { readAfterWriting: true })
    t.equal(answer.status, 400, `request ${i}: status`)
    t.same(JSON.parse(answer.body || 'null'), { error: 'invalid_request', error_description: 'The request body is too large.' }, `request ${i}: body`)
    t.equal(answer.ended, 'close', `request ${i}: no reset`)
  }
})

t.test('beyond the drain limit the connection is closed without reading the rest', async (t) => {
  const { port } = await listening(t, { drainLimitBytes: 0 })
  const body = Buffer.alloc(8 * 1024 * 1024, 'a')
  const answer = await rawRequest(port, [
    `POST /oauth/ro HTTP/1.1\r\nHost: acme.test\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
    body,
  ]).catch((err: Error) => ({ status: undefined, ended: err.message }))
  t.not(answer.ended, `no answer within 15000 ms`, 'the server does not wait for the whole upload')
})

t.test('bytes left over after a request are answered in the catalog\'s shape too', async (t) => {
  const { port } = await listening(t, {})
  const answer = await rawRequest(port, ['GET /.well-known/jwks.json HTTP/1.1\r\nHost: acme.test\r\n\r\n\x01\x02 nonsense\r\n\r\n'])
  // Node may refuse the leftover bytes before the request's own answer is written, as it does by default.
  const text = `HTTP/1.1 ${answer.status} \r\n${Object.entries(answer.headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${answer.body}`
  const refusal = text.slice(text.indexOf('HTTP/1.1 400 '))
  t.match(refusal, /^HTTP\/1\.1 400 /, 'the leftover bytes are refused')
  t.same(JSON.parse(refusal.slice(refusal.indexOf('\r\n\r\n') + 4)), { error: 'invalid_request', error_description: 'The request is not well-formed HTTP.' })
})

t.test('the server limits are settings, checked at start', async (t) => {
  const config = loadConfig({ TOLLGATE_REQUEST_TIMEOUT_MS: '20000', TOLLGATE_MAX_CONNECTIONS: '50', TOLLGATE_ISSUER_SCHEME: 'https' })
  t.match(config, { server: { requestTimeoutMs: 20000, maxConnections: 50 }, issuerScheme: 'https' })
  t.throws(() => loadConfig({ TOLLGATE_HEADERS_TIMEOUT_MS: '40000' }),
    new ConfigError('invalid setting TOLLGATE_HEADERS_TIMEOUT_MS=40000: allowed is at most TOLLGATE_REQUEST_TIMEOUT_MS (30000)'))
  t.throws(() => loadConfig({ TOLLGATE_ISSUER_SCHEME: 'ftp' }), new ConfigError('invalid setting TOLLGATE_ISSUER_SCHEME="ftp": allowed is http, https'))
})
