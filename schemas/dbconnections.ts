// Request body of POST /dbconnections/signup, as Auth0's SDKs send it (node-auth0 database.signUp,
// auth0.js signup). Field order in `required` is the order in which missing fields are reported.
import { Type } from '@sinclair/typebox'
import { Field } from './limits.js'

export const SignupBody = Type.Object({
  client_id: Field(),
  connection: Field(),
  email: Field(),
  password: Field(),
  username: Type.Optional(Field()),
  user_metadata: Type.Optional(Type.Object({})),
  given_name: Type.Optional(Field()),
  family_name: Type.Optional(Field()),
  name: Type.Optional(Field()),
  nickname: Type.Optional(Field()),
  picture: Type.Optional(Field()),
})

/** Auth0's answer: the new user's id without its `auth0|` prefix, and what was stored. */
export const SignupResponse = Type.Object({
  _id: Type.String(),
  email: Type.String(),
  email_verified: Type.Boolean(),
  username: Type.Optional(Type.String()),
  given_name: Type.Optional(Type.String()),
  family_name: Type.Optional(Type.String()),
  name: Type.Optional(Type.String()),
  nickname: Type.Optional(Type.String()),
  picture: Type.Optional(Type.String()),
  user_metadata: Type.Optional(Type.Record(Type.String(), Type.String())),
})
