// The one table of settings (src/settings.ts): README's configuration table is made from it, every
// variable is read by the loader, and a bad value is refused naming the variable, its value and
// what is allowed.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import t from 'tap'
import { ConfigError, defaults, loadConfig } from '../src/config.js'
import { SETTINGS, settingsMarkdown } from '../src/settings.js'

const README = path.join(import.meta.dirname, '..', 'README.md')

t.test("README's configuration table is the settings table", async (t) => {
  const readme = readFileSync(README, 'utf8')
  const table = /<!-- settings:begin -->\n([\s\S]*?)\n<!-- settings:end -->/.exec(readme)?.[1]
  t.ok(table, 'README has the settings markers')
  t.equal(table, settingsMarkdown(), 'regenerate with: node dist/src/cli.js settings --markdown')
})

t.test('every setting is documented and read', async (t) => {
  const names = SETTINGS.map((s) => s.env)
  t.equal(new Set(names).size, names.length, 'no variable twice')
  t.equal(new Set(SETTINGS.map((s) => s.path)).size, SETTINGS.length, 'no Config field twice')
  for (const s of SETTINGS) {
    t.ok(s.description.length > 10, `${s.env} has a description`)
    const sample = s.type === 'integer' || s.type === 'number' ? String(s.max ?? s.min! + 7) : s.type === 'boolean' ? String(!s.default)
      : s.type === 'enum' ? s.values!.at(-1)! : s.type === 'url' ? 'redis://127.0.0.1:6379' : s.type === 'database-url' ? 'postgres://127.0.0.1:5432/tollgate' : s.type === 'json' ? '{"/x": {"max": 2, "windowSeconds": 3}}'
        : s.type === 'trust-proxy' ? '10.0.0.1' : s.type === 'key' || s.entries === 'key' ? Buffer.alloc(32, 7).toString('base64')
          : s.type === 'list' ? (s.entries === 'route' ? '/x' : '10.0.0.1') : '/tmp/x'
    const env = { [s.env]: sample, ...(s.env.startsWith('TOLLGATE_TLS_') ? { TOLLGATE_TLS_CERT_FILE: '/tmp/x', TOLLGATE_TLS_KEY_FILE: '/tmp/x' } : {}) }
    const value = s.path.split('.').reduce((node: any, key) => node?.[key], loadConfig(env))
    t.not(JSON.stringify(value), JSON.stringify(s.path.split('.').reduce((node: any, key) => node?.[key], defaults)), `${s.env}=${sample} changes ${s.path}`)
  }
})

t.test('a bad value names the variable, the value and what is allowed', async (t) => {
  t.throws(() => loadConfig({ PORT: 'abc' }), new ConfigError('invalid setting PORT="abc": allowed is an integer, 0 to 65535'))
  t.throws(() => loadConfig({ PORT: '65536' }), new ConfigError('invalid setting PORT="65536": allowed is an integer, 0 to 65535'))
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), new ConfigError('invalid setting LOG_LEVEL="loud": allowed is fatal, error, warn, info, debug, trace, silent'))
  t.throws(() => loadConfig({ TOLLGATE_RATE_LIMIT_ENABLED: 'yes' }), new ConfigError('invalid setting TOLLGATE_RATE_LIMIT_ENABLED="yes": allowed is true or false'))
  t.throws(() => loadConfig({ TOLLGATE_MAX_EVENT_LOOP_UTILIZATION: '2' }), new ConfigError('invalid setting TOLLGATE_MAX_EVENT_LOOP_UTILIZATION="2": allowed is a number, 0 to 1'))
  t.throws(() => loadConfig({ TOLLGATE_REDIS_URL: 'http://user:secret@redis' }), new ConfigError('invalid setting TOLLGATE_REDIS_URL=(hidden): allowed is a redis:// or rediss:// URL'))
})
