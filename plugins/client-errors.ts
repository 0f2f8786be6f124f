// What the HTTP server answers before any route runs, in the catalog's body shape: malformed framing
// (two Content-Length, Transfer-Encoding with Content-Length, broken chunking), headers too large,
// a request that did not arrive in time, and an Expect other than 100-continue. Node would answer
// them with an empty body, Fastify with its own shape.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import { oauthError, type ErrorKey } from '../src/errors.js'

/** Headers every answer carries (src/app.ts sets them on the answers that go through Fastify). */
export const SECURITY_HEADERS = { 'x-content-type-options': 'nosniff' }

const keyOf = (code: string | undefined): ErrorKey =>
  code === 'HPE_HEADER_OVERFLOW'
    ? 'headers_too_large'
    : code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 'request_timeout' : 'malformed_http'

/** Fastify's `clientErrorHandler`: the answer is written on the socket, which is then closed. */
export function clientErrorHandler (err: Error & { code?: string }, socket: Socket): void {
  // A reset connection has nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  // As Node does: no answer written into the middle of a response already under way.
  const inProgress = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (socket.writable && !inProgress?.headersSent) {
    const { statusCode, body } = oauthError(keyOf(err.code))
    const json = JSON.stringify(body)
    socket.write(`HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\n` +
      'content-type: application/json; charset=utf-8\r\n' +
      `content-length: ${Buffer.byteLength(json)}\r\n` +
      Object.entries(SECURITY_HEADERS).map(([name, value]) => `${name}: ${value}\r\n`).join('') +
      `connection: close\r\n\r\n${json}`)
  }
  socket.destroySoon()
}

/** The server's `checkExpectation` listener: Expect values other than 100-continue. */
export function refuseExpectation (_request: IncomingMessage, response: ServerResponse): void {
  const { statusCode, body } = oauthError('expectation_failed')
  const json = JSON.stringify(body)
  response.writeHead(statusCode, {
    'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json), connection: 'close', ...SECURITY_HEADERS,
  })
  response.end(json)
}

/** Fastify's `frameworkErrors`: a URL it cannot decode, before routing. */
export function frameworkErrors (_error: Error, _request: unknown, reply: { code (n: number): any }): void {
  // Answered before the app's hooks run: the headers they would add are set here.
  const { statusCode, body } = oauthError('malformed_url')
  reply.code(statusCode).headers({ 'content-type': 'application/json; charset=utf-8', ...SECURITY_HEADERS }).send(body)
}
