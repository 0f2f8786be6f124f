// Reads a POST /passwordless/start body in the order Auth0 checks it, throwing its `bad.<field>`
// error for the first thing wrong. Two steps, because which fields are allowed depends on the
// connection: first the fields that find the client and connection, then the rest.
import { oauthError } from '../errors.js'
import type { Client } from '../store/port.js'
import { isValidLogin, loginField, normaliseLogin, type Channel } from './channel.js'

type Body = Record<string, unknown>

const typeName = (value: unknown): string =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' && Number.isInteger(value) ? 'integer' : typeof value

const isObject = (value: unknown): value is Body => typeName(value) === 'object'

const SHARED_FIELDS = ['client_id', 'connection', 'send', 'authParams', 'client_secret', 'client_assertion', 'client_assertion_type']

export interface StartTarget {
  clientId: string
  connection: string
}

/** client_id and connection, present and strings. */
export function readStartTarget (body: unknown): StartTarget {
  if (!isObject(body)) throw oauthError('body_not_object')
  const { client_id: clientId, connection } = body
  if (clientId === undefined) throw oauthError('passwordless_missing_client_id')
  if (typeof clientId !== 'string') throw oauthError('passwordless_client_id_type', { type: typeName(clientId) })
  if (connection === undefined) throw oauthError('passwordless_missing_connection')
  if (typeof connection !== 'string') throw oauthError('passwordless_connection_type', { type: typeName(connection) })
  return { clientId, connection }
}

export interface StartRequest {
  send: 'code' | 'link'
  /** The phone number or email as given: where the message goes. */
  to: string
  /** The same, normalised: what the code is kept under. */
  login: string
  /** send=link: the callback URL the link points to. */
  callback?: string
  /** authParams.state and .scope, passed on in a link. */
  state?: string
  scope?: string
}

/** Everything else, for a connection of this channel and this client. */
export function readStartFields (body: Body, channel: Channel, client: Client): StartRequest {
  const { authParams = {}, send = 'link' } = body
  if (!isObject(authParams)) throw oauthError('passwordless_bad_auth_params', { type: typeName(authParams) })

  const field = loginField(channel)
  const notAllowed = Object.keys(body).filter((k) => k !== field && !SHARED_FIELDS.includes(k))
  if (notAllowed.length > 0) throw oauthError('passwordless_properties_not_allowed', { properties: notAllowed.join(', ') })

  if (send !== 'code' && send !== 'link') {
    throw oauthError('passwordless_bad_send', { send: typeof send === 'string' ? send : JSON.stringify(send) })
  }

  const to = body[field]
  if (channel === 'sms') {
    if (to === undefined) throw oauthError('passwordless_missing_phone_number')
    if (typeof to !== 'string') throw oauthError('passwordless_phone_number_type', { type: typeName(to) })
    if (!isValidLogin(channel, to)) throw oauthError('passwordless_bad_phone_number')
  } else {
    if (to === undefined) throw oauthError('passwordless_missing_email')
    if (typeof to !== 'string') throw oauthError('passwordless_email_type', { type: typeName(to) })
    if (!isValidLogin(channel, to)) throw oauthError('passwordless_bad_email', { email: to })
  }

  const text = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const request: StartRequest = {
    send, to, login: normaliseLogin(channel, to), state: text(authParams.state), scope: text(authParams.scope),
  }
  if (send === 'link') request.callback = callbackFor(client, authParams.redirect_uri)
  return request
}

/** authParams.redirect_uri when it is one of the client's callbacks, else the first of them. */
function callbackFor (client: Client, redirectUri: unknown): string {
  if (redirectUri !== undefined) {
    if (typeof redirectUri !== 'string' || !client.callbacks.includes(redirectUri)) throw oauthError('passwordless_bad_redirect_uri')
    return redirectUri
  }
  const [first] = client.callbacks
  if (first === undefined) throw oauthError('passwordless_no_callback')
  return first
}

/** The x-request-language header, if it holds a language tag (its first one, if several). */
export function requestLanguage (header: string | string[] | undefined): string | null {
  const first = (Array.isArray(header) ? header[0] : header)?.split(',')[0]?.split(';')[0]?.trim()
  return first && /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/.test(first) ? first : null
}
