// POST /dbconnections/signup: creates a user on a database connection (src/users/signup.ts decides).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { oauthError } from '../src/errors.js'
import { signup } from '../src/users/signup.js'
import { SignupBody, SignupResponse } from '../schemas/dbconnections.js'

const PROFILE_FIELDS = ['given_name', 'family_name', 'name', 'nickname', 'picture'] as const

const dbconnectionsSignup: FastifyPluginAsyncTypebox = async (app) => {
  const { store, hasher } = app.tollgate

  app.post('/dbconnections/signup', {
    schema: { body: SignupBody, response: { 200: SignupResponse } },
    preValidation: async (request) => { request.body ??= {} as any },
  }, async (request) => {
    const body = request.body
    const client = await request.findClient(body.client_id)
    if (!client) throw oauthError('invalid_client')
    const profile = Object.fromEntries(PROFILE_FIELDS.filter((f) => body[f] !== undefined).map((f) => [f, body[f]]))
    const user = await signup({ connections: store, users: store, hasher }, {
      tenant: request.tenant,
      client,
      connection: body.connection,
      email: body.email,
      password: body.password,
      username: body.username,
      userMetadata: body.user_metadata,
      profile,
    })
    return {
      _id: user.id.replace(/^auth0\|/, ''),
      email: user.email!,
      email_verified: user.emailVerified,
      ...(user.username !== null ? { username: user.username } : {}),
      ...profile,
      ...(body.user_metadata !== undefined ? { user_metadata: user.userMetadata as Record<string, string> } : {}),
    }
  })
}

export default dbconnectionsSignup
