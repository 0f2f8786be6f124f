// The grant types Tollgate knows, keyed by grant_type (the shape of oidc-provider's grants/).
import { passwordGrant, type PasswordGrantDeps } from './password.js'
import type { Grant } from './types.js'

export type GrantDeps = PasswordGrantDeps

export function createGrants (deps: GrantDeps): Map<string, Grant<any>> {
  const grants: Grant<any>[] = [passwordGrant(deps)]
  return new Map(grants.map((g) => [g.name, g]))
}
