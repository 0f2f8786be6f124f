// The passwordless services, built once per app: codes, their delivery, and checking them.
// (/passwordless/verify is a grant on the token pipeline: src/grants/passwordless-verify.ts.)
import type { Config } from '../config.js'
import type { Store } from '../store/port.js'
import { PasswordlessCodes } from './codes.js'
import { createDeliveryProviders } from './delivery/index.js'
import { PasswordlessLogin } from './login.js'
import { PasswordlessStarter } from './start.js'

export interface Passwordless {
  starter: PasswordlessStarter
  login: PasswordlessLogin
}

export function createPasswordless (settings: Config['passwordless'], store: Store): Passwordless {
  const codes = new PasswordlessCodes(store, settings)
  const providers = createDeliveryProviders({ outbox: store, defaultTimeoutMs: settings.deliveryTimeoutMs })
  const login = new PasswordlessLogin({ users: store, codes })
  return {
    starter: new PasswordlessStarter({ users: store, connections: store, codes, providers, codeLifetime: settings.codeLifetime }),
    login,
  }
}
