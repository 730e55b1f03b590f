/**
 * Issue 17's syntax and function cases through arangojs against the test target. Expected answers
 * come from the ArangoDB 3.12 manual or arangod's grammar/sources, as each test name says.
 */
import { describe, expect, it } from 'vitest'
import { useTestTarget } from '../../helpers/target.js'

describe('AQL fidelity (ArangoDB 3.12 syntax and functions)', () => {
  const target = useTestTarget()
  const all = async (query: string, bindVars: Record<string, unknown> = {}) =>
    (await target.db.query(query, bindVars)).all()
  const errorOf = async (query: string) => {
    try {
      await all(query)
    } catch (e) {
      return e as { errorNum?: number; code?: number }
    }
    throw new Error(`no error for ${query}`)
  }

  it('0b and 0x without digits are syntax errors (1501): flex reads 0 and then a name', async () => {
    for (const q of ['RETURN 0b', 'RETURN 0x', 'RETURN 0b2']) {
      const e = await errorOf(q)
      expect([e.errorNum, e.code]).toEqual([1501, 400])
    }
    expect(await all('RETURN [0b101, 0x1F]')).toEqual([[5, 31]])
  })

  it('LET a = 1, b = a + 1 declares both, in order (grammar.y let_list)', async () => {
    expect(await all('LET a = 1, b = a + 1 RETURN [a, b]')).toEqual([[1, 2]])
  })

  it('bare subqueries are accepted as any function argument (grammar.y function_arguments_list)', async () => {
    expect(await all('RETURN APPEND(FOR i IN 1..2 RETURN i, FOR j IN 3..4 RETURN j * 10)')).toEqual([
      [1, 2, 30, 40],
    ])
  })

  it('SORT direction as a literal value: "DESC" and false sort descending (ExecutionPlan::fromNodeSort)', async () => {
    expect(await all('FOR x IN [3, 1, 2] SORT x "desc" RETURN x')).toEqual([3, 2, 1])
    expect(await all('FOR x IN [3, 1, 2] SORT x false RETURN x')).toEqual([3, 2, 1])
    expect(await all('FOR x IN [3, 1, 2] SORT x true RETURN x')).toEqual([1, 2, 3])
  })

  it('backtick names unescape like strings (registerEscapedString): `a\\tb` names a tab', async () => {
    expect(await all('LET `a\\tb` = 1 RETURN { `a\\`b`: `a\\tb` }')).toEqual([{ 'a`b': 1 }])
  })

  it('the question-mark operator answers as the 3.12 manual table defines it', async () => {
    expect(
      await all(`LET arr = [1, 2, 3, 4]
        RETURN [arr[? 2 FILTER CURRENT % 2 == 0], arr[?], arr[? NONE FILTER CURRENT > 9],
                arr[? ALL FILTER CURRENT > 0], arr[? AT LEAST (3) FILTER CURRENT > 1],
                arr[? 1..2 FILTER CURRENT > 2], [][?], arr[? 3 FILTER CURRENT % 2 == 0]]`),
    ).toEqual([[true, true, true, true, true, true, false, false]])
  })

  it('a contraction after an expansion applies to its whole result (grammar.y passthru), [*] chains nest', async () => {
    expect(
      await all('LET v = @v RETURN [v[*].c[**].id, v[*].c[*].id]', {
        v: [{ c: [{ id: 1 }, { id: 2 }] }, { c: [{ id: 3 }] }],
      }),
    ).toEqual([
      [
        [1, 2, 3],
        [[1, 2], [3]],
      ],
    ])
    // the 3.12 manual's inline-filter example
    expect(await all('LET arr = [[1, 2], 3, [4, 5], 6] RETURN arr[** FILTER CURRENT % 2 == 0]')).toEqual([
      [2, 4, 6],
    ])
  })

  it('HASH is a number below 2^51, equal for 1 and 1.0 and for reordered object attributes', async () => {
    const [[a, b, c, d]] = (await all(
      'RETURN [HASH(1), HASH(1.0), HASH({a: 1, b: 2}), HASH({b: 2, a: 1})]',
    )) as number[][]
    expect(a).toBe(b)
    expect(c).toBe(d)
    expect(Number.isSafeInteger(a) && a! < 2 ** 51).toBe(true)
  })

  it('LIKE() with backslashes: \\\\% literal, \\\\\\\\ one backslash, a trailing backslash dropped', async () => {
    expect(
      await all(
        String.raw`RETURN [LIKE("a%", "a\\%"), LIKE("ab", "a\\%"), LIKE("a\\b", "a\\\\b"), LIKE("a", "a\\")]`,
      ),
    ).toEqual([[true, false, true, true]])
  })

  it('SUBSTRING with a null length is "", SPLIT with an empty separator gives characters', async () => {
    expect(
      await all('RETURN [SUBSTRING("hello", 1, null), SPLIT("abc", ""), SPLIT("a-b", ["-", ""])]'),
    ).toEqual([['', ['a', 'b', 'c'], ['a', '-', 'b']]])
  })

  it('a function ArangoDB does not know is 1540 at parse time; one it knows but the engine lacks is 501 (embedded)', async () => {
    const unknown = await errorOf('RETURN NO_SUCH_FUNCTION(1)')
    expect([unknown.errorNum, unknown.code]).toEqual([1540, 400])
    // the 501 is the embedded engine's answer for FULLTEXT (a real server needs a fulltext index)
    if (target.kind === 'embedded') {
      const missing = await errorOf('RETURN FULLTEXT("c", "a", "b")')
      expect([missing.errorNum, missing.code]).toEqual([9, 501])
    }
  })
})
