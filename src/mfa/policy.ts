// When a login needs its second factor: the client's policy if it has one, else the tenant's.
// `enrolled` asks only users who have an active authenticator.
import type { Client, MfaAuthenticator, MfaFactor, MfaPolicy, Tenant } from '../store/port.js'

export const policyOf = (tenant: Tenant, client: Client): MfaPolicy => client.mfaPolicy ?? tenant.mfa?.policy ?? 'never'

export const factorsOf = (tenant: Tenant): MfaFactor[] => tenant.mfa?.factors ?? ['otp']

/** The authenticators a login can be finished with (recovery codes only count beside a factor). */
export const activeFactors = (authenticators: MfaAuthenticator[]): MfaAuthenticator[] =>
  authenticators.filter((a) => a.active && a.type !== 'recovery-code')

export function requiresSecondFactor (policy: MfaPolicy, authenticators: MfaAuthenticator[]): boolean {
  if (policy === 'always') return true
  if (policy === 'enrolled') return activeFactors(authenticators).length > 0
  return false
}
