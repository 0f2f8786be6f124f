import { Type } from '@sinclair/typebox'

/** The one shape of every failure: `{error, error_description}`. */
export const ErrorBody = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
}, { $id: 'ErrorBody', additionalProperties: false })
