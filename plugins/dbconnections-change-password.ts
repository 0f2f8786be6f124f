// POST /dbconnections/change_password: asks for a password-reset email. Every well-formed request
// for a database connection gets the same 200 text at once; the lookup and the email happen in the
// background (src/account/recovery.ts), so neither the answer nor its timing says whether the user exists.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ChangePasswordLimits } from '../src/account/change-password-limits.js'
import { oauthError } from '../src/errors.js'
import type { Connection } from '../src/store/port.js'
import { resolveConnection } from '../src/strategies/resolve-connection.js'
import { CHANGE_PASSWORD_ANSWER, ChangePasswordBody } from '../schemas/change-password.js'

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/
const MAX_EMAIL_LENGTH = 320

const changePassword: FastifyPluginAsyncTypebox = async (app) => {
  const { store, recovery, config, attackState } = app.tollgate
  const limits = new ChangePasswordLimits(attackState, config.changePassword)

  app.post('/dbconnections/change_password', {
    schema: { body: ChangePasswordBody },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request, reply) => {
    const { tenant } = request
    const body = request.body
    let connection: Connection | undefined
    if (body.client_id !== undefined) {
      const client = await store.clientById(tenant.id, body.client_id)
      if (!client) throw oauthError('invalid_client')
      connection = await resolveConnection(store, tenant, client, body.connection)
    } else {
      connection = await store.connectionByName(tenant.id, body.connection)
      if (!connection) {
        throw await store.connectionExistsElsewhere(tenant.id, body.connection)
          ? oauthError('connection_not_found_for_tenant', { tenant: tenant.name })
          : oauthError('connection_not_found')
      }
    }
    if (connection.strategy !== 'database') throw oauthError('strategy_not_supported')
    if (body.email.length > MAX_EMAIL_LENGTH || !EMAIL.test(body.email)) throw oauthError('invalid_email')
    reply.headers(await limits.take(tenant.id, request.clientIp, body.email))
    recovery.requestPasswordReset({ tenant, issuer: request.issuer, connection, email: body.email })
    reply.type('text/plain; charset=utf-8')
    return CHANGE_PASSWORD_ANSWER
  })
}

export default changePassword
