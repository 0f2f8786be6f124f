import type { Connection, User } from '../store/port.js'

export interface PasswordLogin {
  connection: Connection
  /** The username or email the client sent. */
  login: string
  password: string
  /** The local record of that login, if any (looked up once, before any verification). */
  user: User | undefined
}

/** How a connection checks a username and password. Returns the user, or undefined if wrong. */
export interface PasswordStrategy {
  /**
   * What the secret is: a password (the default), or a one-time code. A code is not looked up among
   * breached passwords, and a blocked user is refused only after a right code: blocked users are
   * never sent one, so refusing them before the check would reveal the block.
   */
  secret?: 'password' | 'code'
  verifyPassword (attempt: PasswordLogin): Promise<User | undefined>
}
