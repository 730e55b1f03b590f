import { describe, expect, it } from 'vitest'

import { renderTable } from '../../src/ui/table.js'

describe('renderTable', () => {
  it('pads columns to the widest cell, prints missing cells as "-", and trims line ends', () => {
    expect(
      renderTable(
        ['NAME', 'URL', 'DB'],
        [
          ['oasis', 'https://abc.arangodb.cloud:8529', 'shop'],
          ['x', 'http://h', undefined],
        ],
      ),
    ).toBe(
      'NAME   URL                              DB\n' +
        'oasis  https://abc.arangodb.cloud:8529  shop\n' +
        'x      http://h                         -\n',
    )
  })
})
