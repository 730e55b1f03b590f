import fs from 'node:fs'

import { Flags } from '@oclif/core'

import { GraphpipeCommand } from '../cli/base-command.js'
import { EXIT, GraphpipeError } from '../errors.js'
import { DEFAULTS, defaultDataDir } from '../config/defaults.js'
import { parseDuration } from '../config/duration.js'
import { requiresPassword, startEngineServer } from '../engine/index.js'

export default class Server extends GraphpipeCommand<typeof Server> {
  static override summary = 'Run the embedded ArangoDB-compatible engine as a standalone server'
  static override description =
    'Serves the ArangoDB REST API subset on --host:--port over the data dir, for any ArangoDB client (arangojs, arangosh, curl). Loopback only unless ARANGO_ROOT_PASSWORD is set, which also turns authentication on (Basic and JWT, user root). Stops cleanly on SIGINT/SIGTERM.'
  static override examples = [
    '<%= config.bin %> server',
    '<%= config.bin %> server --port 8530 --data-dir ./data',
    'ARANGO_ROOT_PASSWORD=secret <%= config.bin %> server --host 0.0.0.0 --tls-cert cert.pem --tls-key key.pem',
  ]
  static override enableJsonFlag = false

  static override flags = {
    port: Flags.integer({
      description: 'TCP port (0 picks a free one)',
      default: DEFAULTS.serverPort,
      min: 0,
      max: 65535,
    }),
    host: Flags.string({ description: 'address to listen on', default: DEFAULTS.serverHost }),
    'data-dir': Flags.string({
      description: 'data directory [env: GRAPHPIPE_DATA_DIR] (default: ~/.local/share/graphpipe)',
    }),
    'tls-cert': Flags.string({
      description: 'serve HTTPS with this PEM certificate (needs --tls-key)',
      dependsOn: ['tls-key'],
    }),
    'transaction-idle-timeout': Flags.string({
      description:
        "how long a stream transaction may stay idle before it is aborted, e.g. 30s, 2m (arangod's --transaction.streaming-idle-timeout; a bare number is seconds)",
      default: `${DEFAULTS.engine.streamingIdleTimeoutSeconds}s`,
    }),
    'tls-key': Flags.string({ description: 'PEM private key for --tls-cert', dependsOn: ['tls-cert'] }),
    // no oclif default: it depends on the machine (help and the README must not)
    'query-workers': Flags.integer({
      description: 'query worker threads: AQL runs there, reads in parallel (default: one per core)',
      min: 1,
    }),
  }

  public async run(): Promise<void> {
    const f = this.flags
    const rootPassword = process.env.ARANGO_ROOT_PASSWORD || undefined
    if (requiresPassword(f.host) && !rootPassword) {
      throw new GraphpipeError(
        'SERVER_NO_PASSWORD',
        `refusing to listen on ${f.host} without authentication: set ARANGO_ROOT_PASSWORD, or use a loopback host such as 127.0.0.1`,
        EXIT.USAGE,
      )
    }
    const tls =
      f['tls-cert'] && f['tls-key'] ? { cert: readPem(f['tls-cert']), key: readPem(f['tls-key']) } : undefined
    const dataDir = defaultDataDir(f['data-dir'])
    const engine = await startEngineServer({
      dataDir,
      host: f.host,
      port: f.port,
      rootPassword,
      tls,
      streamingIdleTimeoutSeconds:
        parseDuration(f['transaction-idle-timeout'], '--transaction-idle-timeout', { positive: true }) / 1000,
      queryWorkers: f['query-workers'] ?? DEFAULTS.engine.queryWorkers,
    })
    // a standalone server starts its workers now, so its first query does not wait for them
    await engine.pool.warmUp()

    this.out(`graphpipe server listening on ${engine.url}`)
    this.info(
      `data dir ${dataDir}; authentication ${rootPassword ? 'on (user root)' : 'off'}; ${engine.pool.live} query workers; Ctrl-C stops`,
    )

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'))
      process.once('SIGTERM', () => resolve('SIGTERM'))
    })
    // a second signal while closing means "now": leave without waiting for in-flight requests
    const force = () => process.exit(EXIT.INTERRUPTED)
    process.once('SIGINT', force)
    process.once('SIGTERM', force)
    this.info(`${signal}: stopping`)
    await engine.close()
    this.info('stopped')
  }
}

function readPem(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8')
  } catch (err) {
    throw new GraphpipeError(
      'SERVER_TLS_FILE',
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`,
      EXIT.USAGE,
    )
  }
}
