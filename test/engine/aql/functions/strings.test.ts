import { describe, expect, it } from 'vitest'
import { call, v, warned } from './call.js'

describe('string functions', () => {
  it('CONCAT skips nulls, JSON-encodes arrays/objects and spreads a single array', () => {
    expect(v('CONCAT', 'a', null, 1, true, [1, 'x'], { k: null })).toBe('a1true[1,"x"]{"k":null}')
    expect(v('CONCAT', ['a', null, ['b']])).toBe('a["b"]')
    expect(v('CONCAT_SEPARATOR', '-', 'a', null, 'b')).toBe('a-b')
    expect(v('CONCAT_SEPARATOR', null, 'a', 'b')).toBe('ab')
  })

  it('CHAR_LENGTH counts code points, and the JSON of arrays and objects', () => {
    expect(v('CHAR_LENGTH', '🥑a')).toBe(2)
    expect(v('CHAR_LENGTH', null)).toBe(0)
    expect(v('CHAR_LENGTH', false)).toBe(5)
    expect(v('CHAR_LENGTH', 1.5)).toBe(3)
    expect(v('CHAR_LENGTH', [1, 2])).toBe(5)
  })

  it('SUBSTRING counts negative offsets from the end and code points', () => {
    expect(v('SUBSTRING', 'Holy Guacamole!', -5, 4)).toBe('mole')
    expect(v('SUBSTRING', 'abc', -10)).toBe('abc')
    expect(v('SUBSTRING', 'abc', 1, -1)).toBe('')
    expect(v('SUBSTRING', '🥑🥑x', 1, 1)).toBe('🥑')
    expect(v('LEFT', 'foobar', -1)).toBe('')
    expect(v('RIGHT', '🥑bar', 3)).toBe('bar')
  })

  it('TRIM takes a type number or characters; LTRIM/RTRIM stringify an explicit null', () => {
    expect(v('TRIM', '  a  ', 1)).toBe('a  ')
    expect(v('TRIM', '  a  ', 2)).toBe('  a')
    expect(v('TRIM', '  a  ', 7)).toBe('a')
    expect(v('TRIM', '\r\n\t a \n', true)).toBe('a')
    expect(v('TRIM', 'xxaxx', 'x')).toBe('a')
    expect(v('LTRIM', '  a', null)).toBe('  a')
  })

  it('CONTAINS: position in characters, -1 / false when missing or empty', () => {
    expect(v('CONTAINS', 'foobarbaz', 'bar', true)).toBe(3)
    expect(v('CONTAINS', 'foobar', '', true)).toBe(-1)
    expect(v('CONTAINS', 123456, 34)).toBe(true)
  })

  it('LIKE: % and _ wildcards, backslash escapes, regex characters are literal', () => {
    expect(v('LIKE', 'a-b.c', 'a-b.c')).toBe(true)
    expect(v('LIKE', 'axc', 'a.c')).toBe(false)
    expect(v('LIKE', '100%', '100\\%')).toBe(true)
    expect(v('LIKE', '100x', '100\\%')).toBe(false)
    expect(v('LIKE', 'a\nb', 'a_b')).toBe(true)
    expect(v('LIKE', '🥑', '_')).toBe(true)
    expect(v('LIKE', 'ABC', 'a%', true)).toBe(true)
  })

  it('REGEX functions: an invalid pattern gives null and warning 1543', () => {
    expect(warned('REGEX_TEST', 'a', '(')).toEqual([1543])
    expect(v('REGEX_REPLACE', 'aXbX', 'x', '-', true)).toBe('a-b-')
    expect(v('REGEX_MATCHES', 'ab', 'a(x)?b')).toEqual(['ab', ''])
    expect(v('REGEX_SPLIT', 'a1b2c', '\\d', false, 2)).toEqual(['a', 'b'])
    expect(v('REGEX_TEST', 'ABC', '(?i)^abc$')).toBe(true)
  })

  it('SPLIT: documented edge cases', () => {
    expect(v('SPLIT', 'foo')).toEqual(['foo'])
    expect(v('SPLIT', 5)).toEqual([5])
    expect(v('SPLIT', 'a-b', '-', 0)).toEqual([])
    expect(v('SPLIT', 'a-b', '-', -1)).toBe(null)
    expect(v('SPLIT', 'abc', '')).toEqual(['a', 'b', 'c'])
    expect(v('SPLIT', '', '-')).toEqual([''])
    expect(v('SPLIT', 'a.b|c', ['.', '|'])).toEqual(['a', 'b', 'c'])
    expect(warned('SPLIT', 'a', '-', '1')).toEqual([1542])
  })

  it('SUBSTITUTE: leftmost match wins, limits, and type checks', () => {
    expect(v('SUBSTITUTE', 'aaa', 'a', 'b', 2)).toBe('bba')
    expect(v('SUBSTITUTE', 'abab', ['ab', 'a'], ['X', 'Y'])).toBe('XX')
    expect(v('SUBSTITUTE', 'abc', 'b', 'x', -2)).toBe('abc')
    expect(v('SUBSTITUTE', 'a.c', '.', '-')).toBe('a-c')
    expect(warned('SUBSTITUTE', 'abc', ['b', 1], 'x')).toEqual([1542])
    expect(warned('SUBSTITUTE', 'abc', { b: 1 })).toEqual([1542])
  })

  it('FIND_FIRST / FIND_LAST: inclusive end, non-overlapping matches, empty search', () => {
    expect(v('FIND_FIRST', 'foobarbaz', 'ba', 4)).toBe(6)
    expect(v('FIND_FIRST', 'foobarbaz', 'ba', -1)).toBe(-1)
    expect(v('FIND_FIRST', 'abc', '', 2)).toBe(2)
    expect(v('FIND_LAST', 'aaa', 'aa')).toBe(0)
    expect(v('FIND_LAST', 'abc', '')).toBe(3)
    expect(v('FIND_LAST', 'abc', '', 0, 1)).toBe(2)
  })

  it('SUBSTRING_BYTES: byte offsets, null with a warning inside a character', () => {
    expect(v('SUBSTRING_BYTES', 'We ❤️ avocado!', 3, 3)).toBe('❤')
    expect(v('SUBSTRING_BYTES', 'We ❤️ avocado!', 3, 3, 1)).toBe(' ❤\ufe0f')
    expect(warned('SUBSTRING_BYTES', 'We ❤️ avocado!', 4, 3)).toEqual([10])
    expect(warned('SUBSTRING_BYTES', 5, 1)).toEqual([10])
  })

  it('hashes and encodings work on the UTF-8 of TO_STRING', () => {
    expect(v('MD5', 'foobar')).toBe('3858f62230ac3c915f300c664312c63f')
    expect(v('CRC32', 'foobar')).toBe('D5F5C7F')
    expect(v('FNV64', 'foobar')).toBe('85944171F73967E8')
    expect(v('SHA1', 1)).toBe('356a192b7913b04c54574d18c28d46e6395428ab')
    expect(v('TO_HEX', 'ü')).toBe('c3bc')
    expect(v('TO_BASE64', null)).toBe('')
    expect(v('ENCODE_URI_COMPONENT', "a b/c?d=é!'()*")).toBe("a%20b%2Fc%3Fd%3D%C3%A9!'()*")
  })

  it('IPv4 conversions reject leading zeros and out-of-range values with a warning', () => {
    expect(v('IPV4_TO_NUMBER', '255.255.255.255')).toBe(4294967295)
    expect(warned('IPV4_TO_NUMBER', '1.2.3.256')).toEqual([1542])
    expect(warned('IPV4_FROM_NUMBER', 4294967296)).toEqual([1542])
    expect(v('IS_IPV4', '1.2.3.04')).toBe(false)
    expect(v('IS_IPV4', '0.0.0.0')).toBe(true)
  })

  it('SOUNDEX, LEVENSHTEIN_DISTANCE and LEVENSHTEIN_MATCH', () => {
    expect(v('SOUNDEX', 'Tymczak')).toBe('T522')
    expect(v('SOUNDEX', 'Ashcraft')).toBe('A261')
    expect(v('SOUNDEX', '')).toBe('')
    expect(v('LEVENSHTEIN_DISTANCE', 'kitten', 'sitting')).toBe(3)
    expect(v('LEVENSHTEIN_MATCH', 'quikc', 'quick', 1)).toBe(true)
    expect(v('LEVENSHTEIN_MATCH', 'quikc', 'quick', 1, false)).toBe(false)
  })

  it('n-gram similarities are 32-bit floats', () => {
    expect(v('NGRAM_SIMILARITY', 'quick fox', 'quick foxx', 2)).toBe(0.8888888955116272)
    expect(v('NGRAM_POSITIONAL_SIMILARITY', 'quick fox', 'quirky fox', 3)).toBe(0.6666666865348816)
    expect(warned('NGRAM_SIMILARITY', 'a', 'b', 0)).toEqual([1542])
  })

  it('REPEAT and TO_CHAR', () => {
    expect(v('REPEAT', 'ab', 0)).toBe('')
    expect(v('REPEAT', 'a', 3, null)).toBe('aaa')
    expect(warned('REPEAT', 'a', -1)).toEqual([1542])
    expect(call('REPEAT', 'a', 2 ** 25).warnings[0]?.code).toBe(32)
    expect(warned('TO_CHAR', '65')).toEqual([1542])
    expect(v('TO_CHAR', 65)).toBe('A')
  })

  it('UUID and RANDOM_TOKEN have their formats', () => {
    expect(v('UUID')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
    expect(v('RANDOM_TOKEN', 8)).toMatch(/^[A-Za-z0-9]{8}$/)
  })

  it('IN_RANGE compares with the AQL type order', () => {
    expect(v('IN_RANGE', 'fox', 'fo', 'fp', true, false)).toBe(true)
    expect(v('IN_RANGE', null, false, 1, true, true)).toBe(false)
    expect(v('IN_RANGE', 5, 5, 6, false, true)).toBe(false)
    expect(warned('IN_RANGE', 5, 5, 6, 1, true)).toEqual([1542])
  })
})
