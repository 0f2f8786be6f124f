// The passwordless services, built once per app: codes, their delivery, and their verification.
import type { Config } from '../config.js'
import type { Store } from '../store/port.js'
import type { TokenMinter } from '../tokens/minter.js'
import { PasswordlessCodes } from './codes.js'
import { createDeliveryProviders } from './delivery/index.js'
import { PasswordlessLogin } from './login.js'
import { PasswordlessStarter } from './start.js'
import { PasswordlessVerification } from './verify.js'

export interface Passwordless {
  starter: PasswordlessStarter
  login: PasswordlessLogin
  verification: PasswordlessVerification
}

export function createPasswordless (settings: Config['passwordless'], store: Store, minter: TokenMinter): Passwordless {
  const codes = new PasswordlessCodes(store, settings)
  const providers = createDeliveryProviders({ outbox: store, defaultTimeoutMs: settings.deliveryTimeoutMs })
  const login = new PasswordlessLogin({ users: store, codes })
  return {
    starter: new PasswordlessStarter({ users: store, codes, providers, codeLifetime: settings.codeLifetime }),
    login,
    verification: new PasswordlessVerification({ connections: store, login, minter }),
  }
}
