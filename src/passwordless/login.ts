// Checking a passwordless code, whichever endpoint it arrives by (/oauth/ro, /passwordless/verify,
// the otp grant on /oauth/token; all through src/grants/secret-login.ts). A right code proves the phone number or email: the user is created
// at the first login, and an email user's address counts as verified from then on.
import { randomBytes } from 'node:crypto'
import type { Connection, User, UserStore } from '../store/port.js'
import { channelOf, isValidLogin, normaliseLogin, type Channel } from './channel.js'
import type { PasswordlessCodes } from './codes.js'

export class PasswordlessLogin {
  constructor (private readonly deps: { users: UserStore, codes: PasswordlessCodes }) {}

  /** The user this code proves; undefined for a wrong, expired, used or exhausted code. */
  async verify (connection: Connection, login: string, code: string): Promise<User | undefined> {
    const channel = channelOf(connection)
    const key = normaliseLogin(channel, login)
    // No code is ever sent to a malformed login, so there is nothing to count or compare.
    if (!isValidLogin(channel, key)) return undefined
    if (!await this.deps.codes.check(connection.id, key, code)) return undefined
    return this.userOf(connection, channel, key)
  }

  private async userOf (connection: Connection, channel: Channel, login: string): Promise<User> {
    const { users } = this.deps
    const known = await users.userByLogin(connection.id, login)
    if (known) {
      if (channel === 'email' && !known.emailVerified) {
        const verified = { ...known, emailVerified: true, updatedAt: Math.floor(Date.now() / 1000) }
        await users.updateUser(verified)
        return verified
      }
      return known
    }
    const now = Math.floor(Date.now() / 1000)
    const user: User = {
      // Auth0 names passwordless users by their strategy: sms|..., email|...
      id: `${channel}|${randomBytes(12).toString('hex')}`,
      tenantId: connection.tenantId,
      connectionId: connection.id,
      email: channel === 'email' ? login : null,
      username: null,
      phoneNumber: channel === 'sms' ? login : null,
      emailVerified: channel === 'email',
      passwordHash: null,
      blocked: false,
      profile: {},
      userMetadata: {},
      appMetadata: {},
      createdAt: now,
      updatedAt: now,
    }
    if (await users.insertUserIfAbsent(user)) return user
    // Created meanwhile (a parallel first login, or `tollgate apply`): that record is the user.
    const created = await users.userByLogin(connection.id, login)
    if (!created) throw new Error('the user was neither inserted nor found')
    return created
  }
}
