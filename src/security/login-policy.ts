// Rules a client sets on who may log in to it, checked after the credentials are proven.
import { oauthError } from '../errors.js'
import type { Client, User } from '../store/port.js'

export function checkLoginPolicy (client: Client, user: User): void {
  if (client.requireEmailVerified && !user.emailVerified) throw oauthError('email_not_verified')
}
