// Bounds on every string a request body may carry, checked by the schema before any handler (and so
// before any pattern) sees the value. Beyond: 400 "<field> parameter is too long".
import { Type, type StringOptions } from '@sinclair/typebox'

/** Ids, names, scopes, devices, codes, passwords, refresh tokens. */
export const MAX_FIELD_LENGTH = 1024
/** Signed JWTs (assertions, id_tokens); the jwt.maxTokenLength setting bounds them further. */
export const MAX_JWT_FIELD_LENGTH = 65536

/** A string field of a request body, bounded. */
export const Field = (options: StringOptions = {}) => Type.String({ maxLength: MAX_FIELD_LENGTH, ...options })
/** A JWT field of a request body, bounded. */
export const JwtField = () => Type.String({ maxLength: MAX_JWT_FIELD_LENGTH })
