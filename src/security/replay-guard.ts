// Single use of assertion ids (jti). The check and the record are one atomic store operation keyed
// on sha256(iss, jti): of two requests racing with the same assertion, exactly one wins (fosite's
// separate check-then-set leaves a window). Records are kept until the assertion's exp plus the
// clock tolerance, then pruned now and then.
import type { ReplayStore } from '../store/port.js'
import { sha256Hex } from './secrets.js'

const PRUNE_INTERVAL_SECONDS = 60

export class ReplayGuard {
  private nextPrune = 0

  constructor (private readonly store: ReplayStore) {}

  /** True the first time (issuer, jti) is seen before `keepUntil` (epoch seconds); false on replay. */
  async useOnce (issuer: string, jti: string, keepUntil: number): Promise<boolean> {
    const now = Math.floor(Date.now() / 1000)
    if (now >= this.nextPrune) {
      this.nextPrune = now + PRUNE_INTERVAL_SECONDS
      await this.store.deleteExpiredRecords(now)
    }
    // JSON keeps the two parts apart: ("ab", "c") and ("a", "bc") are different ids.
    return this.store.recordOnce(sha256Hex(JSON.stringify([issuer, jti])), keepUntil, now)
  }
}
