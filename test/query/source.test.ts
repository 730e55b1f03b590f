import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Readable } from 'node:stream'

import { describe, expect, it } from 'vitest'

import { EXIT } from '../../src/errors.js'
import { resolveQuerySource } from '../../src/query/source.js'

const stdin = (text: string, isTTY = false) => Object.assign(Readable.from([text]), { isTTY })
const tmp = mkdtempSync(path.join(os.tmpdir(), 'gp-src-'))

describe('query source', () => {
  it('takes the argument', async () => {
    expect(await resolveQuerySource({ arg: 'RETURN 1', stdin: stdin('') })).toEqual({
      kind: 'text',
      query: 'RETURN 1',
      origin: 'argument',
    })
  })

  it('reads --file', async () => {
    const file = path.join(tmp, 'q.aql')
    writeFileSync(file, 'FOR a IN airports\nRETURN a;\n')
    expect(await resolveQuerySource({ file, stdin: stdin('') })).toMatchObject({
      query: 'FOR a IN airports\nRETURN a',
    })
  })

  it('reads stdin when it is not a terminal, or when the argument is -', async () => {
    expect(await resolveQuerySource({ stdin: stdin('RETURN 2\n') })).toMatchObject({
      query: 'RETURN 2',
      origin: 'stdin',
    })
    expect(await resolveQuerySource({ arg: '-', stdin: stdin('RETURN 3') })).toMatchObject({
      query: 'RETURN 3',
    })
  })

  it('starts the shell with no query and stdin a terminal', async () => {
    expect(await resolveQuerySource({ stdin: stdin('', true) })).toEqual({ kind: 'shell' })
  })

  it('refuses both an argument and --file, an empty query and a missing file (exit 2)', async () => {
    const file = path.join(tmp, 'q2.aql')
    writeFileSync(file, 'RETURN 1')
    await expect(resolveQuerySource({ arg: 'RETURN 1', file, stdin: stdin('') })).rejects.toMatchObject({
      exitCode: EXIT.USAGE,
    })
    await expect(resolveQuerySource({ stdin: stdin('  \n') })).rejects.toMatchObject({
      exitCode: EXIT.USAGE,
      message: 'no query: give it as an argument, with --file or --saved, or on stdin (stdin was empty)',
    })
    // a query taken as a --bind value is named in the error (the user's first try, issue 16)
    await expect(resolveQuerySource({ stdin: stdin(''), binds: ['a=1', 'RETURN @a'] })).rejects.toMatchObject(
      {
        exitCode: EXIT.USAGE,
        message: expect.stringContaining('"RETURN @a" was taken as a --bind value'),
      },
    )
    await expect(
      resolveQuerySource({ file: path.join(tmp, 'none.aql'), stdin: stdin('') }),
    ).rejects.toMatchObject({
      exitCode: EXIT.USAGE,
      message: expect.stringMatching(/none\.aql: cannot read it \(ENOENT\)/),
    })
  })
})
