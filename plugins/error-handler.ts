// The only place a failure becomes a response: every error leaves as `{error, error_description}`
// with its catalog status. Anything unexpected is logged with the request id and answered
// `server_error` without internals.
import type { FastifyError, FastifyPluginAsync } from 'fastify'
import type { IncomingMessage } from 'node:http'
import fp from 'fastify-plugin'
import { OAuthError, oauthError } from '../src/errors.js'
import { StoreUnavailableError } from '../src/store/unavailable.js'
import { toOAuthError } from '../src/validation.js'

/** Fastify's own request errors, as the catalog names them. */
const fastifyErrors: Record<string, Parameters<typeof oauthError>[0]> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_content_type',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body_too_large',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_json',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_json',
}

function classify (error: FastifyError, retryAfterSeconds: number): OAuthError | undefined {
  if (error instanceof OAuthError) return error
  if (StoreUnavailableError.isUnavailable(error)) {
    return oauthError('store_unavailable', {}, { headers: { 'retry-after': String(retryAfterSeconds) }, cause: error })
  }
  if (error.validation) return toOAuthError(error.validation as any)
  const known = error.code && fastifyErrors[error.code]
  if (known) return oauthError(known)
  // The JSON parser's own failure (a SyntaxError carrying status 400).
  if (error instanceof SyntaxError && error.statusCode === 400) return oauthError('malformed_json')
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return oauthError('bad_request', {}, { cause: error })
  return undefined
}

/**
 * Reads (and discards) the rest of an upload, up to `limit` bytes: the connection is then closed
 * with nothing unread, so that the client reads the answer instead of a reset.
 */
function drain (raw: IncomingMessage, limit: number): Promise<void> {
  if (raw.complete || raw.destroyed) return Promise.resolve()
  return new Promise((resolve) => {
    let seen = 0
    const done = () => {
      raw.off('data', onData).off('end', done).off('error', done).off('close', done)
      resolve()
    }
    const onData = (chunk: Buffer) => {
      seen += chunk.length
      if (seen > limit) done()
    }
    raw.on('data', onData).on('end', done).on('error', done).on('close', done)
    raw.resume()
  })
}

const errorHandler: FastifyPluginAsync = async (app) => {
  const { drainLimitBytes } = app.tollgate.config.server
  const { retryAfterSeconds } = app.tollgate.config.loadShedding
  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    const known = classify(error, retryAfterSeconds)
    if (known) {
      if (known.key === 'body_too_large') await drain(request.raw, drainLimitBytes)
      if (known.key === 'store_unavailable') {
        request.log.warn({ err: { message: (error as Error).message, code: (error as { code?: string }).code } }, 'store unavailable')
      } else if (known.key === 'connection_unavailable') {
        // An outage of the operator's own user store: worth a warning, and its message is the story.
        const cause = known.cause instanceof Error ? known.cause : undefined
        request.log.warn({ connection_error: cause ? `${cause.message}${cause.cause instanceof Error ? `: ${cause.cause.message}` : ''}` : String(known.cause) },
          'custom database unavailable')
      } else if (known.cause) {
        request.log.info({ err: known.cause, error: known.body.error }, 'request refused')
      }
      return reply.code(known.statusCode).headers(known.headers).send(known.body)
    }
    request.log.error({ err: error }, 'unexpected error')
    if (error.name === 'SqliteError' || String(error.code).startsWith('SQLITE_')) app.tollgate.metrics.backendError('store')
    const failure = oauthError('server_error', { request_id: String(request.id) })
    return reply.code(failure.statusCode).send(failure.body)
  })
}

export default fp(errorHandler, { name: 'tollgate-error-handler' })
