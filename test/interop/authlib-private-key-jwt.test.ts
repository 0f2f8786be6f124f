// Interoperability: Python's authlib (as Debian packages it, python3-authlib) authenticates a client
// with private_key_jwt using its defaults (an assertion living one hour, no kid), over a real socket.
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { promisify } from 'node:util'
import t from 'tap'
import { buildTestApp } from '../helpers/app.js'
import { PASSWORD } from '../helpers/fixture.js'
import { decodeClaims } from '../helpers/http.js'
import { jwtBearerFixture, keys } from '../helpers/jwt-bearer.js'

const run = promisify(execFile)
// Debian's interpreter: a python3 earlier on PATH (pyenv, a venv) may not see python3-authlib.
const PYTHON = process.env.TOLLGATE_TEST_PYTHON ?? '/usr/bin/python3'

t.test('an authlib private_key_jwt assertion with its defaults is accepted', async (t) => {
  const probe = await run(PYTHON, ['-c', 'import authlib']).catch((err: Error) => err)
  if (probe instanceof Error) {
    t.fail(`${PYTHON} cannot import authlib: install python3-authlib (apt-get install python3-authlib) or set TOLLGATE_TEST_PYTHON`)
    return
  }
  const document = jwtBearerFixture()
  document.tenants[0].hosts.push('127.0.0.1')
  const app = await buildTestApp(t, { document })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const endpoint = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/oauth/token`
  const keyFile = path.join(t.testdir(), 'robot.pem')
  writeFileSync(keyFile, keys.robotRsa.privatePem)

  const script = path.join(import.meta.dirname, 'authlib_private_key_jwt.py')
  const { stdout } = await run(PYTHON, [script, keyFile, 'robot', endpoint, 'alice@acme.test', PASSWORD], { timeout: 30000 })
  const answer = JSON.parse(stdout)
  const claims = decodeClaims(answer.assertion)
  t.equal(claims.exp - claims.iat, 3600, 'authlib signs for an hour by default')
  t.equal(answer.status, 200, JSON.stringify(answer.body))
  t.match(answer.body, { access_token: String, id_token: String, token_type: /^bearer$/i })
  t.equal(decodeClaims(answer.body.id_token).sub, 'auth0|alice')
})
