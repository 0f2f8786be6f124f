// Turns a schema validation failure (Ajv's error objects, as Fastify and TypeBox report them) into
// the catalog entry a client is documented to see: a missing field gives "missing X parameter",
// a field of the wrong type "X parameter must be a string", one too long "X parameter is too long".
import { OAuthError, oauthError } from './errors.js'

export interface SchemaError {
  instancePath: string
  keyword: string
  params: Record<string, unknown>
}

export function toOAuthError (errors: readonly SchemaError[]): OAuthError {
  const [first] = errors
  if (!first) return oauthError('bad_request')
  if (first.keyword === 'required') return oauthError('missing_parameter', { name: String(first.params.missingProperty) })
  const field = first.instancePath.split('/')[1]
  if (!field) return oauthError('body_not_object')
  if (first.keyword === 'type' && first.params.type === 'object' && first.instancePath === `/${field}`) {
    return oauthError('parameter_not_object', { name: field })
  }
  if (first.keyword === 'maxLength') return oauthError('parameter_too_long', { name: field })
  if ((first.keyword === 'type' && first.params.type === 'array') || first.keyword === 'maxItems') return oauthError('parameter_not_array', { name: field })
  return oauthError('parameter_not_string', { name: field })
}
