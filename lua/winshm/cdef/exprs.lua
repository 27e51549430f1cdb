-- winshm.cdef.exprs -- the rules of constant expressions (array sizes,
-- enumerators, #if, static_assert, initializers), with C's precedence.
-- They join the declaration grammar (winshm.cdef.grammar), whose TypeName
-- rule they use for sizeof, alignof, offsetof and casts.
--
-- Nodes: { op = "num", value } | { op = "id", name } | { op = "sizeof" |
-- "alignof", type } | { op = "offsetof", type, path } | { op = "cast",
-- type, a } | { op = "?", c, a, b } | { op = "u-" | "u+" | "u~" | "u!", a }
-- | { op = binary operator, a, b } | { op = "defined", name } | { op =
-- "call", name, args = "(...)" } (a function-like macro); each with 'pos',
-- its byte offset.
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"

local P, S, C, Cc, Cg, Ct, V = lpeg.P, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Ct, lpeg.V
local sp, tok, kw, expect = L.sp, L.tok, L.kw, L.expect

-- Binary operators: one flat list { a, pos, op, b, pos, op, c, ... }
-- turned into a tree by precedence climbing (all left-associative).
local prec = { ["||"] = 1, ["&&"] = 2, ["|"] = 3, ["^"] = 4, ["&"] = 5,
  ["=="] = 6, ["!="] = 6, ["<"] = 7, [">"] = 7, ["<="] = 7, [">="] = 7,
  ["<<"] = 8, [">>"] = 8, ["+"] = 9, ["-"] = 9, ["*"] = 10, ["/"] = 10,
  ["%"] = 10 }
local function climb(t)
  local i = 1
  local function operand(minp)
    local lhs = t[i]
    i = i + 1
    while t[i] and prec[t[i + 1]] >= minp do
      local pos, op = t[i], t[i + 1]
      i = i + 2
      lhs = { op = op, pos = pos, a = lhs, b = operand(prec[op] + 1) }
    end
    return lhs
  end
  return operand(1)
end
local binop = P "||" + "&&" + "<<" + ">>" + "<=" + ">=" + "==" + "!="
            + S "|^&<>+-*/%" * -P "="

local function node(op, patt)
  return Ct(Cg(Cc(op), "op") * sp * Cg(L.Pos, "pos") * patt)
end

local R = {}

R.Expr = V "Cond"
R.Cond = V "Binary" * (sp * L.Pos * "?" * expect(V "Expr", "an expression")
                     * expect(tok ":", "':'") * expect(V "Cond", "an expression"))^-1
  / function(c, pos, a, b)
    if pos == nil then return c end
    return { op = "?", pos = pos, c = c, a = a, b = b }
  end
R.Binary = Ct(V "Unary" * (sp * L.Pos * C(binop) * expect(V "Unary", "an expression"))^0)
           / climb
R.Unary = sp * L.Pos * C(S "-+~!") * expect(V "Unary", "an expression")
          / function(pos, op, a) return { op = "u" .. op, pos = pos, a = a } end
        + V "Cast" + V "Primary"
-- (type) value, for the scalar types; static_cast<type>(value) and its
-- kin for any.
local named_cast = kw "static_cast" + kw "reinterpret_cast" + kw "const_cast"
R.Cast = sp * L.Pos * "(" * #(sp * (V "ScalarWord" + V "Qual"))
         * V "TypeName" * expect(tok ")", "')'") * expect(V "Unary", "an expression")
         / function(pos, t, a) return { op = "cast", pos = pos, type = t, a = a } end
       + sp * L.Pos * named_cast * expect(tok "<", "'<'") * expect(V "TypeName", "a type")
         * expect(tok ">", "'>'") * expect(tok "(", "'('") * expect(V "Expr", "an expression")
         * expect(tok ")", "')'")
         / function(pos, t, a) return { op = "cast", pos = pos, type = t, a = a } end

-- sizeof(((T *)0)->member.path): the size of a member, C's way.
local nullptr = tok "0" + kw "nullptr" + kw "NULL"
local memberof = tok "(" * tok "(" * tok "(" * V "TypeName" * tok ")" * nullptr * tok ")"
                 * tok "->" * Ct(L.Word * (tok "." * L.Word)^0) * tok ")"
                 / function(t, path) return { member = table.concat(path, "."), type = t } end
local function typearg(paren)
  return expect(tok "(", paren) * Cg(expect(V "TypeName", "a type name"), "type")
         * expect(tok ")", "')'")
end
local function size_op(op, words, paren)
  return node(op, words * (#(tok "(" * tok "(" * tok "(") * Cg(memberof, "member")
                           + typearg(paren)))
end

R.Primary = L.Number + L.CharLit
  + tok "(" * expect(V "Expr", "an expression") * expect(tok ")", "')'")
  + size_op("sizeof", kw "sizeof", "'(' (sizeof takes a type)")
  + size_op("alignof", kw "alignof" + kw "_Alignof" + kw "__alignof__" + kw "__alignof", "'('")
  + node("offsetof", (kw "offsetof" + kw "__builtin_offsetof") * expect(tok "(", "'('")
         * Cg(expect(V "TypeName", "a type name"), "type") * expect(tok ",", "','")
         * Cg(Ct(expect(L.Word, "a member name")
                 * (tok "." * expect(L.Word, "a member name")
                    + Ct(tok "[" * V "Expr" * expect(tok "]", "']'")))^0), "path")
         * expect(tok ")", "')'"))
  + node("defined", kw "defined"
         * (tok "(" * Cg(expect(L.Word, "a macro name"), "name") * expect(tok ")", "')'")
            + Cg(expect(L.Word, "a macro name"), "name")))
  + sp * L.Pos * (kw "true" * Cc(1) + kw "false" * Cc(0) + kw "nullptr" * Cc(0))
    / function(pos, v) return { op = "num", pos = pos, value = v } end
  + node("call", Cg(L.QName, "name") * sp * #P "(" * Cg(C(L.Parens), "args"))
  + node("id", Cg(L.QName, "name"))

return R
