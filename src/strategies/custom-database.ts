// strategy "custom-database": credentials are checked by the operator's existing user store.
// Tollgate POSTs {username, password} as JSON to the connection's login_url: 200 with a profile is a
// success, 401 a wrong password; anything else (or no answer in time) makes the connection
// unavailable. The profile is kept as a local user so that blocks and tokens work as for any user:
// read with a size limit, refused when nested too deep, and only its known fields kept. A profile
// whose email, username or phone number belongs to another user of the connection is refused with
// `user_store_profile_conflict`.
import { randomBytes } from 'node:crypto'
import { oauthError } from '../errors.js'
import { findDottedField } from '../dotted-fields.js'
import type { JsonObject, User, UserStore } from '../store/port.js'
import type { SecretStrategy } from './types.js'

/** A profile is a few hundred bytes; metadata included, far less than this. */
const MAX_PROFILE_BYTES = 64 * 1024
/** Nesting allowed in a profile (metadata objects included). */
const MAX_PROFILE_DEPTH = 16
const MAX_FIELD_LENGTH = 1024
/** Profile fields kept besides the ones a user record has columns for. */
const PROFILE_FIELDS = ['name', 'given_name', 'family_name', 'nickname', 'picture'] as const

const asString = (v: unknown): string | null => (typeof v === 'string' && v !== '' && v.length <= MAX_FIELD_LENGTH ? v : null)
const asObject = (v: unknown): JsonObject => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as JsonObject : {})

/** How deeply a parsed JSON value nests, counted without recursion (a deep value cannot overflow the stack). */
function depthOf (value: unknown, limit: number): number {
  let deepest = 0
  const stack: Array<[unknown, number]> = [[value, 1]]
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!
    if (v === null || typeof v !== 'object') continue
    if (depth > deepest) deepest = depth
    if (deepest > limit) return deepest
    for (const child of Object.values(v)) stack.push([child, depth + 1])
  }
  return deepest
}

/** The response body as text, refusing one longer than `limit` bytes before reading all of it. */
async function readBounded (response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > limit) {
    await response.body?.cancel()
    throw new Error(`the profile is longer than ${limit} bytes`)
  }
  const chunks: Uint8Array[] = []
  let size = 0
  for await (const chunk of response.body ?? []) {
    size += chunk.byteLength
    if (size > limit) {
      await response.body?.cancel().catch(() => {})
      throw new Error(`the profile is longer than ${limit} bytes`)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

async function readProfile (response: Response): Promise<JsonObject> {
  const profile: unknown = JSON.parse(await readBounded(response, MAX_PROFILE_BYTES))
  if (depthOf(profile, MAX_PROFILE_DEPTH) > MAX_PROFILE_DEPTH) throw new Error(`the profile nests deeper than ${MAX_PROFILE_DEPTH} levels`)
  return asObject(profile)
}

export function customDatabaseStrategy (users: UserStore, timeoutMs: number): SecretStrategy {
  return {
    async verifySecret ({ connection, login, secret: password, user }) {
      let response: Response
      try {
        response = await fetch(connection.options.login_url!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({ username: login, password }),
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (cause) {
        throw oauthError('connection_unavailable', {}, { cause })
      }
      if (response.status === 401) return undefined
      if (response.status !== 200) {
        throw oauthError('connection_unavailable', {}, { cause: new Error(`login_url answered ${response.status}`) })
      }
      let profile: JsonObject
      try {
        profile = await readProfile(response)
      } catch (cause) {
        throw oauthError('connection_unavailable', {}, { cause })
      }
      const dotted = findDottedField(profile)
      if (dotted) throw oauthError('dotted_fields', { field: dotted })
      return saveProfile(users, connection.tenantId, connection.id, user, login, profile)
    },
  }
}

async function saveProfile (users: UserStore, tenantId: string, connectionId: string, found: User | undefined,
  login: string, profile: JsonObject): Promise<User> {
  // A parallel first login of the same user may have saved it since it was looked up.
  const existing = found ?? await users.userByLogin(connectionId, login)
  const now = Math.floor(Date.now() / 1000)
  const { email, username, email_verified: emailVerified, phone_number: phone, user_metadata: userMetadata, app_metadata: appMetadata } = profile
  const known: JsonObject = {}
  for (const field of PROFILE_FIELDS) {
    const value = asString(profile[field])
    if (value !== null) known[field] = value
  }
  const user: User = {
    id: existing?.id ?? `auth0|${randomBytes(12).toString('hex')}`,
    tenantId,
    connectionId,
    email: asString(email) ?? (login.includes('@') ? login : null),
    username: asString(username) ?? (login.includes('@') ? null : login),
    phoneNumber: asString(phone),
    emailVerified: emailVerified === true,
    passwordHash: null,
    blocked: existing?.blocked ?? false,
    profile: known,
    userMetadata: asObject(userMetadata),
    appMetadata: asObject(appMetadata),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  }
  for (const other of [user.email, user.username, user.phoneNumber]) {
    // The login itself names this user: whoever holds it was saved by a parallel login of theirs.
    if (other === null || other.toLowerCase() === login.toLowerCase()) continue
    const holder = await users.userByLogin(connectionId, other)
    if (holder && holder.id !== user.id) throw oauthError('user_store_profile_conflict')
  }
  if (existing) {
    try {
      await users.updateUser(user)
    } catch (cause) {
      // Another login saved the same email or username in between.
      if (/UNIQUE|unique/.test(String((cause as Error).message))) throw oauthError('user_store_profile_conflict', {}, { cause })
      throw cause
    }
    return user
  }
  if (await users.insertUserIfAbsent(user)) return user
  // A parallel first login of the same user inserted it first: that record is the user, refreshed.
  const winner = await users.userByLogin(connectionId, login)
  // Else another user took this email or username in between.
  if (!winner) throw oauthError('user_store_profile_conflict')
  const refreshed = { ...user, id: winner.id, blocked: winner.blocked, createdAt: winner.createdAt }
  await users.updateUser(refreshed)
  return refreshed
}
