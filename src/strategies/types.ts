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
   * Whether a blocked user is refused only after the credentials were checked (passwordless: blocked
   * users are never sent a code, so refusing them before the check would reveal the block).
   */
  blockCheckedAfterCredentials?: boolean
  verifyPassword (attempt: PasswordLogin): Promise<User | undefined>
}
