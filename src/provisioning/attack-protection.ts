// A tenant's attack_protection block of the provisioning file, as the store keeps it.
import type { ProvisionedAttackProtectionEntry } from '../../schemas/provisioning.js'
import type { AttackProtectionOverrides } from '../store/port.js'

/** Drops what is not set, so that the same file always gives the same (comparable) value. */
const defined = <T extends object>(o: T): T | undefined => {
  const kept = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
  return Object.keys(kept).length > 0 ? kept : undefined
}

export function toAttackProtectionOverrides (entry: ProvisionedAttackProtectionEntry | undefined): AttackProtectionOverrides {
  if (!entry) return {}
  const { brute_force: b, suspicious_ip_throttling: s, breached_password_detection: p, allow_list: allowList } = entry
  return defined({
    bruteForce: b && defined({ enabled: b.enabled, threshold: b.threshold, mode: b.mode, blockSeconds: b.block_seconds }),
    suspiciousIp: s && defined({ enabled: s.enabled, maxFailures: s.max_failures, windowSeconds: s.window_seconds }),
    breachedPasswords: p && defined({ enabled: p.enabled }),
    allowList,
  }) ?? {}
}
