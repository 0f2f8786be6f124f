// GET /userinfo's work once the access token is verified: the claims of the user it acts for, as
// its scopes allow; a user who is blocked or gone gets nothing.
import type { Tenant, UserStore } from '../store/port.js'
import { userClaims } from '../tokens/minter.js'

export class UserInfo {
  constructor (private readonly users: UserStore) {}

  /** The user's claims for these scopes; undefined when the user is blocked or no longer exists. */
  async claimsOf (tenant: Tenant, userId: string, scopes: string[]): Promise<Record<string, unknown> | undefined> {
    const user = await this.users.userById(tenant.id, userId)
    if (!user || user.blocked) return undefined
    return { sub: user.id, ...userClaims(user, scopes) }
  }
}
