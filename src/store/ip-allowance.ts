// An IP's failed-login allowance is a GCRA bucket (generic cell rate algorithm): one timestamp,
// the theoretical arrival time (tat), moves one interval (window / limit) later per failure, and a
// failure is allowed while tat stays within one window of now. Both adapters store only tat.
import type { IpAllowance } from './port.js'

/** Reads a bucket after a take: how many more failures fit now, or how long until one does. */
export function allowance (tat: number, allowed: boolean, interval: number, windowMs: number, now: number): IpAllowance {
  if (!allowed) return { allowed, remaining: 0, retryAfterMs: Math.max(0, tat + interval - windowMs - now) }
  return { allowed, remaining: Math.floor((windowMs - (tat - now)) / interval), retryAfterMs: 0 }
}
