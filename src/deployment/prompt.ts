/**
 * A password prompt on the terminal with no echo. Only used when stdin is a TTY: passwords never
 * come from argv, and a non-interactive run must fail instead of hanging on a read.
 */
import { EXIT, GraphpipeError } from '../errors.js'

export type PasswordPrompt = (question: string) => Promise<string>

export const promptPassword: PasswordPrompt = (question) =>
  new Promise((resolve, reject) => {
    const stdin = process.stdin
    if (!stdin.isTTY) {
      reject(
        new GraphpipeError(
          'DEPLOYMENT_NO_TTY',
          'a password is needed but stdin is not a terminal; set ARANGO_PASSWORD',
          EXIT.CONNECTION,
        ),
      )
      return
    }
    // raw mode (no echo) before the question shows, so nothing typed after it can be echoed
    const wasRaw = stdin.isRaw
    stdin.setRawMode(true)
    process.stderr.write(question)
    stdin.resume()
    stdin.setEncoding('utf8')
    let value = ''
    const done = (err?: Error) => {
      stdin.removeListener('data', onData)
      stdin.setRawMode(wasRaw)
      stdin.pause()
      process.stderr.write('\n')
      if (err) reject(err)
      else resolve(value)
    }
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return done()
        if (ch === '\u0003') return done(new GraphpipeError('INTERRUPTED', 'interrupted', EXIT.INTERRUPTED))
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else if (ch >= ' ') value += ch
      }
    }
    stdin.on('data', onData)
  })
