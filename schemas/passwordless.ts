// Request and response bodies of the passwordless endpoints and the otp grant.
import { Type, type Static } from '@sinclair/typebox'
import { Field, JwtField } from './limits.js'

/**
 * POST /passwordless/start. Checked field by field in src/passwordless/start-request.ts, in the
 * order Auth0 reports them and with its `bad.<field>` errors (a generic schema check could not give
 * them); this schema documents the shape and types the result. Which of phone_number or email is
 * allowed depends on the connection's strategy; nothing else is allowed.
 */
export const PasswordlessStartBody = Type.Object({
  client_id: Field(),
  connection: Field(),
  phone_number: Type.Optional(Type.String({ pattern: '^\\+[0-9]{1,15}$' })),
  email: Type.Optional(Type.String({ format: 'email' })),
  send: Type.Optional(Type.Union([Type.Literal('link'), Type.Literal('code')], { default: 'link' })),
  authParams: Type.Optional(Type.Record(Field(), Type.Unknown())),
  // Sent by the official SDKs; accepted and not used (see docs/ARCHITECTURE.md).
  client_secret: Type.Optional(Field()),
  client_assertion: Type.Optional(JwtField()),
  client_assertion_type: Type.Optional(Field()),
}, { additionalProperties: false })

export type PasswordlessStartFields = Static<typeof PasswordlessStartBody>

/** Auth0's answer: an id for the request and the address it went to (never whether a user exists). */
export const PasswordlessStartResponse = Type.Object({
  _id: Type.String(),
  phone_number: Type.Optional(Type.String()),
  email: Type.Optional(Type.String()),
}, { additionalProperties: false })

/**
 * POST /passwordless/verify, as auth0.js sends it; phone_number or email as the connection needs.
 * Field order in `required` is the order in which missing fields are reported. Unknown fields are
 * allowed (auth0.js may add auth0Client).
 */
export const PasswordlessVerifyBody = Type.Object({
  client_id: Field(),
  connection: Field(),
  verification_code: Field(),
  phone_number: Type.Optional(Field()),
  email: Type.Optional(Field()),
  scope: Type.Optional(Field()),
  device: Type.Optional(Field()),
})

/** /oauth/token grant_type=http://auth0.com/oauth/grant-type/passwordless/otp. */
export const PasswordlessOtpGrantBody = Type.Object({
  realm: Field(),
  username: Field(),
  otp: Field(),
})
