import type { Connection, User } from '../store/port.js'

/** One attempt to log in with a secret: a password, or a one-time code. */
export interface SecretAttempt {
  connection: Connection
  /** The username, email or phone number the client sent. */
  login: string
  /** The password, or the one-time code of a passwordless connection. */
  secret: string
  /** The local record of that login, if any (looked up once, before any verification). */
  user: User | undefined
}

/** How a connection checks a login and its secret. Returns the user, or undefined if wrong. */
export interface SecretStrategy {
  /**
   * What the secret is: a password (the default), or a one-time code. A code is not looked up among
   * breached passwords, and a blocked user is refused only after a right code: blocked users are
   * never sent one, so refusing them before the check would reveal the block.
   */
  secret?: 'password' | 'code'
  verifySecret (attempt: SecretAttempt): Promise<User | undefined>
}
