/** The AST as ArangoDB-like JSON nodes `{type, name?, value?, subNodes?}` (/_api/query, explain plans). */
import type { BinaryOp, Expr, Op, Query } from './ast.js'

/** arangod's AstNode::TypeNames; LIKE and =~ are function calls there (LIKE(), REGEX_TEST()). */
const BINARY_TYPE: Record<BinaryOp, string> = {
  '+': 'plus',
  '-': 'minus',
  '*': 'times',
  '/': 'division',
  '%': 'modulus',
  '==': 'compare ==',
  '!=': 'compare !=',
  '<': 'compare <',
  '<=': 'compare <=',
  '>': 'compare >',
  '>=': 'compare >=',
  IN: 'compare in',
  'NOT IN': 'compare not in',
  LIKE: 'compare LIKE',
  'NOT LIKE': 'compare NOT LIKE',
  '=~': 'compare =~',
  '!~': 'compare !~',
}
const UNARY_TYPE = { '!': 'unary not', '-': 'unary minus', '+': 'unary plus' } as const

export function exprNode(e: Expr): Record<string, unknown> {
  switch (e.type) {
    case 'value':
      return Array.isArray(e.value)
        ? { type: 'array', subNodes: e.value.map((v) => exprNode({ type: 'value', value: v })) }
        : typeof e.value === 'object' && e.value !== null
          ? {
              type: 'object',
              subNodes: Object.entries(e.value).map(([k, v]) => ({
                type: 'object element',
                name: k,
                subNodes: [exprNode({ type: 'value', value: v })],
              })),
            }
          : { type: 'value', value: e.value }
    case 'name':
      return { type: 'reference', name: e.name }
    case 'param':
      return { type: 'parameter', name: e.name }
    case 'dsparam':
      return { type: 'datasource parameter', name: '@' + e.name }
    case 'attr':
      return { type: 'attribute access', name: e.name, subNodes: [exprNode(e.obj)] }
    case 'index':
      return { type: 'indexed access', subNodes: [exprNode(e.obj), exprNode(e.index)] }
    case 'array':
      return { type: 'array', subNodes: e.items.map(exprNode) }
    case 'object':
      return {
        type: 'object',
        subNodes: e.entries.map((en) =>
          typeof en.key === 'string'
            ? { type: 'object element', name: en.key, subNodes: [exprNode(en.value)] }
            : { type: 'calculated object element', subNodes: [exprNode(en.key), exprNode(en.value)] },
        ),
      }
    case 'call':
      return {
        type: 'function call',
        name: e.name.toUpperCase(),
        subNodes: [{ type: 'array', subNodes: e.args.map(exprNode) }],
      }
    case 'binary':
      return { type: BINARY_TYPE[e.op], subNodes: [exprNode(e.left), exprNode(e.right)] }
    case 'and':
    case 'or':
      return { type: `logical ${e.type}`, subNodes: [exprNode(e.left), exprNode(e.right)] }
    case 'unary':
      return { type: UNARY_TYPE[e.op], subNodes: [exprNode(e.arg)] }
    case 'range':
      return { type: 'range', subNodes: [exprNode(e.from), exprNode(e.to)] }
    case 'subquery':
      return { type: 'subquery', subNodes: queryNodes(e.query) }
    default:
      return { type: e.type }
  }
}

function opNode(op: Op): Record<string, unknown> {
  switch (op.type) {
    case 'for':
      return { type: 'for', subNodes: [{ type: 'variable', name: op.var }, exprNode(op.in)] }
    case 'let':
      return { type: 'let', subNodes: [{ type: 'variable', name: op.var }, exprNode(op.expr)] }
    case 'filter':
      return { type: 'filter', subNodes: [exprNode(op.expr)] }
    case 'return':
      return { type: op.distinct ? 'return distinct' : 'return', subNodes: [exprNode(op.expr)] }
    case 'sort':
      return {
        type: 'sort',
        subNodes: [
          {
            type: 'array',
            subNodes: op.items.map((i) => ({
              type: 'sort element',
              subNodes: [exprNode(i.expr), { type: 'value', value: i.asc }],
            })),
          },
        ],
      }
    case 'limit':
      return { type: 'limit', subNodes: [exprNode(op.offset), exprNode(op.count)] }
    default:
      return { type: op.type }
  }
}

export function queryNodes(q: Query): Record<string, unknown>[] {
  return q.ops.map(opNode)
}
