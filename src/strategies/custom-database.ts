// strategy "custom-database": credentials are checked by the operator's existing user store.
// Tollgate POSTs {username, password} as JSON to the connection's login_url: 200 with a profile is a
// success, 401 a wrong password; anything else (or no answer in time) makes the connection
// unavailable. The profile is kept as a local user so that blocks and tokens work as for any user.
import { randomBytes } from 'node:crypto'
import { oauthError } from '../errors.js'
import { findDottedField } from '../dotted-fields.js'
import type { JsonObject, User, UserStore } from '../store/port.js'
import type { PasswordStrategy } from './types.js'

const asString = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null)
const asObject = (v: unknown): JsonObject => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as JsonObject : {})

export function customDatabaseStrategy (users: UserStore, timeoutMs: number): PasswordStrategy {
  return {
    async verifyPassword ({ connection, login, password, user }) {
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
        profile = asObject(await response.json())
      } catch (cause) {
        throw oauthError('connection_unavailable', {}, { cause })
      }
      const dotted = findDottedField(profile)
      if (dotted) throw oauthError('dotted_fields', { field: dotted })
      return saveProfile(users, connection.tenantId, connection.id, user, login, profile)
    },
  }
}

async function saveProfile (users: UserStore, tenantId: string, connectionId: string, existing: User | undefined,
  login: string, profile: JsonObject): Promise<User> {
  const now = Math.floor(Date.now() / 1000)
  const { email, username, email_verified: emailVerified, phone_number: phone, user_metadata: userMetadata,
    app_metadata: appMetadata, user_id: _externalId, ...rest } = profile
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
    profile: rest,
    userMetadata: asObject(userMetadata),
    appMetadata: asObject(appMetadata),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  }
  if (existing) {
    await users.updateUser(user)
    return user
  }
  if (await users.insertUserIfAbsent(user)) return user
  // A parallel first login of the same user inserted it first: that record is the user, refreshed.
  const winner = await users.userByLogin(connectionId, login)
  if (!winner) throw new Error('the user was neither inserted nor found')
  const refreshed = { ...user, id: winner.id, blocked: winner.blocked, createdAt: winner.createdAt }
  await users.updateUser(refreshed)
  return refreshed
}
