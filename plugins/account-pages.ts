// The pages a one-time link opens: GET /lo/reset shows the reset form, POST /lo/reset sets the
// password, GET /lo/verify_email verifies an email address. A browser gets a page (with the
// status); a request that asks for JSON gets the catalog's body, as every endpoint answers.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { OAuthError } from '../src/errors.js'
import {
  emailVerifiedPage, errorPage, expiredLinkPage, PAGE_HEADERS, passwordChangedPage, resetFormPage,
} from '../src/account/pages.js'

/** Passwords longer than this are refused before they are hashed. */
const MAX_PASSWORD_LENGTH = 1024

/** JSON for clients that ask for it (Accept without text/html, or a JSON body); a page otherwise. */
function wantsJson (request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  if (accept.includes('text/html')) return false
  return accept.includes('application/json') || (request.headers['content-type'] ?? '').startsWith('application/json')
}

const field = (body: unknown, name: string): string | undefined => {
  const value = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return typeof value === 'string' ? value : undefined
}

const accountPages: FastifyPluginAsync = async (app) => {
  const { recovery } = app.tollgate

  /** Answers a refusal: the catalog's JSON, or a page with the same status. */
  function refuse (request: FastifyRequest, reply: FastifyReply, err: unknown) {
    if (!(err instanceof OAuthError) || wantsJson(request)) throw err
    const html = err.key === 'link_expired' ? expiredLinkPage(err.body.error_description) : errorPage(err.body.error_description)
    return reply.code(err.statusCode).headers({ ...err.headers, ...PAGE_HEADERS }).send(html)
  }

  const config = { corsPolicy: 'none' as const }

  app.get('/lo/reset', { config }, async (request, reply) => {
    const ticket = (request.query as Record<string, unknown>).ticket
    try {
      const form = await recovery.resetForm(request.tenant, ticket)
      if (wantsJson(request)) return { email: form.user.email, password_policy: form.policy }
      return reply.headers(PAGE_HEADERS).send(resetFormPage({ ticket: ticket as string, email: form.user.email ?? '', policy: form.policy }))
    } catch (err) {
      return refuse(request, reply, err)
    }
  })

  app.post('/lo/reset', { config }, async (request, reply) => {
    const { tenant } = request
    const ticket = field(request.body, 'ticket') ?? (request.query as Record<string, unknown>).ticket
    const password = field(request.body, 'password')
    const confirmation = field(request.body, 'password_confirmation') ?? (wantsJson(request) ? password : undefined)
    try {
      if (password === undefined || password === '') throw new OAuthError('missing_parameter', { name: 'password' })
      if (password.length > MAX_PASSWORD_LENGTH) throw new OAuthError('body_too_large')
      await recovery.resetPassword({ tenant, ticket, password, confirmation: confirmation ?? '', ip: request.clientIp })
      if (wantsJson(request)) return { message: 'Your password has been changed.' }
      return reply.headers(PAGE_HEADERS).send(passwordChangedPage())
    } catch (err) {
      if (!(err instanceof OAuthError) || err.key === 'link_expired' || wantsJson(request)) return refuse(request, reply, err)
      // A refused password shows the form again, with the reason (the ticket is still unused).
      let form
      try {
        form = await recovery.resetForm(tenant, ticket)
      } catch (expired) {
        return refuse(request, reply, expired)
      }
      const html = resetFormPage({ ticket: ticket as string, email: form.user.email ?? '', policy: form.policy, error: err.body.error_description })
      return reply.code(err.statusCode).headers(PAGE_HEADERS).send(html)
    }
  })

  app.get('/lo/verify_email', { config }, async (request, reply) => {
    const ticket = (request.query as Record<string, unknown>).ticket
    try {
      const user = await recovery.verifyEmail({ tenant: request.tenant, ticket, ip: request.clientIp })
      if (wantsJson(request)) return { email: user.email, email_verified: true }
      return reply.headers(PAGE_HEADERS).send(emailVerifiedPage(user.email ?? ''))
    } catch (err) {
      return refuse(request, reply, err)
    }
  })
}

export default accountPages
