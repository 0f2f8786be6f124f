// TOTP (RFC 6238) as authenticator apps do it: SHA-1, 6 digits, 30-second steps; a code of the step
// before or after is accepted too (clock drift), and a step once accepted never again (replay).
import { generateSecret, generateURI, verify } from 'otplib'

export const TOTP_PERIOD = 30

export const newTotpSecret = (): string => generateSecret({ length: 20 })

export const totpUri = (secret: string, issuer: string, label: string): string => generateURI({ issuer, label, secret })

/** The time step a right code belongs to, or undefined; steps at or before `lastStep` are refused. */
export async function totpStep (secret: string, code: string, nowSeconds: number, lastStep: number): Promise<number | undefined> {
  if (!/^[0-9]{6}$/.test(code)) return undefined
  const result = await verify({ secret, token: code, epoch: nowSeconds, epochTolerance: TOTP_PERIOD, afterTimeStep: lastStep })
  return result.valid && 'timeStep' in result ? result.timeStep : undefined
}
