// Request body of POST /dbconnections/change_password, as Auth0's SDKs send it (auth0-auth-js
// database.changePassword, node-auth0, auth0.js changePassword). `required` is the order in which
// missing fields are reported.
import { Type } from '@sinclair/typebox'

export const ChangePasswordBody = Type.Object({
  client_id: Type.Optional(Type.String()),
  email: Type.String(),
  connection: Type.String(),
  /** Accepted for compatibility; Tollgate has no organizations. */
  organization: Type.Optional(Type.String()),
  username: Type.Optional(Type.String()),
})

/** Auth0's answer, whether or not a user has that email. */
export const CHANGE_PASSWORD_ANSWER = 'We\'ve just sent you an email to reset your password.'
