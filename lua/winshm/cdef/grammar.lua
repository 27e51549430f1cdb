-- winshm.cdef.grammar -- the C declaration grammar of shm.cdef, in LPeg.
--
-- G.file(text) turns preprocessed text (see winshm.cdef.pre) into a list of
-- items; G.expr(text, pos) parses one constant expression that starts at
-- byte pos of the source.  Every node carries 'pos', a byte offset in the
-- original source.  Syntax errors are raised with G.throw(pos, message)
-- and caught by winshm.cdef, which turns pos into a line and a column.
local lpeg = require "lpeg"

local P, S, R, C, Cc, Cg, Cp, Ct, Cmt, Carg, V =
  lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Cp, lpeg.Ct,
  lpeg.Cmt, lpeg.Carg, lpeg.V

local G = {}

-- Parse errors: { pos = byte offset in the source, msg = text }.
local Fail = {}
function G.throw(pos, msg)
  error(setmetatable({ pos = pos, msg = msg }, Fail), 0)
end
function G.iserror(e) return getmetatable(e) == Fail end

-- ------------------------------------------------------------ lexical
local nl = P "\r\n" + S "\r\n"
local hs = S " \t\f\v"
local idstart = R("az", "AZ") + "_"
local idchar = idstart + R "09"
local name = idstart * idchar^0
G.nl, G.hs, G.name, G.idchar = nl, hs, name, idchar

-- Every match passes the source offset of its subject as argument 1.
local Pos = Cp() * Carg(1) / function(p, off) return p + off end

local unterminated = Cmt(Carg(1), function(_, i, off)
  G.throw(i - 2 + off, "unterminated comment")
end)
local comment = P "//" * (1 - nl)^0
              + P "/*" * ((1 - P "*/")^0 * "*/" + unterminated)
local sp = (hs + nl + P "\\" * nl + comment)^0
G.comment, G.sp = comment, sp

-- The token at i, quoted, for messages.
local tokpat = C(name + R "09" * idchar^0 + P "::" + P "<<" + P ">>" + 1)
local function describe(s, i)
  local t = lpeg.match(sp * tokpat, s, i)
  if t == nil then return "end of input" end
  if t:find("^[%c\128-\255]") then return ("byte 0x%02X"):format(t:byte()) end
  return "'" .. t .. "'"
end

-- 'p', or an error "expected <what>, found <token>" at the next token.
local function expect(p, what)
  return p + sp * Cmt(Carg(1), function(s, i, off)
    G.throw(i + off, ("expected %s, found %s"):format(what, describe(s, i)))
  end)
end

-- An error at the next token when 'p' matches there: 'refuse' fails
-- otherwise (an alternative), 'reject' matches nothing (a check).
local function refuse(p, msg)
  return sp * Cmt(Cp() * p * Carg(1), function(_, _, i, off)
    G.throw(i + off, msg)
  end)
end
local function reject(p, msg) return refuse(p, msg)^-1 end

local function tok(s) return sp * P(s) end

local keywords = {}
for w in ([[struct union enum class typedef sizeof const volatile static extern
  signed unsigned short long int char float double void bool _Bool wchar_t
  char16_t char32_t __int8 __int16 __int32 __int64 inline register restrict
  __restrict constexpr mutable alignas _Alignas __attribute__ __declspec
  _Static_assert static_assert namespace template using public private
  protected virtual operator friend typename offsetof defined alignof _Alignof
  __alignof__ __alignof]]):gmatch("%S+") do
  keywords[w] = true
end

local function kw(w) return sp * P(w) * -idchar end

local Word = sp * Cmt(C(name), function(_, i, w)
  if keywords[w] then return false end
  return i, w
end)

-- Integer constants.
local function tointeger(digits, base, pos)
  local v = 0
  for d in digits:gmatch(".") do
    local n = tonumber(d, 16)
    if n >= base then G.throw(pos, "invalid digit '" .. d .. "' in octal constant") end
    if v > (math.maxinteger - n) // base then
      G.throw(pos, "integer constant is too large")
    end
    v = v * base + n
  end
  return v
end
local hexdigit = R("09", "af", "AF")
local suffix = S "uUlL"^0 * -(idchar + ".")
local function numnode(pos, digits, base)
  return { op = "num", pos = pos, value = tointeger(digits, base, pos) }
end
local badnum = Cmt(Carg(1), function(_, i, off)
  G.throw(i + off, "expected an integer constant")
end)
local Number = sp * (Pos * (P "0" * S "xX" * C(hexdigit^1) * Cc(16)
                          + P "0" * C(R "07"^0) * Cc(8)
                          + C(R "19" * R "09"^0) * Cc(10)) * #suffix / numnode
                    * suffix
                    + #R "09" * badnum)

local escapes = { n = 10, t = 9, r = 13, ["0"] = 0, a = 7, b = 8, f = 12,
                  v = 11, ["\\"] = 92, ["'"] = 39, ['"'] = 34, ["?"] = 63 }
local function unescape(e)
  if e:sub(1, 1) == "x" then return tonumber(e:sub(2), 16) end
  if e:match("^[0-7]+$") then return tonumber(e, 8) end
  return escapes[e] or e:byte()
end
local escape = P "\\" * C(P "x" * hexdigit^1 + R "07" * R "07"^-2 + 1) / unescape
local CharLit = sp * Pos * S "LuU"^-1 * "'"
              * (escape + C(1 - S "'\\" - nl) / string.byte) * "'"
              / function(pos, v) return { op = "num", pos = pos, value = v } end

-- String literals (adjacent ones concatenated), for #define values and
-- static_assert messages.  The value is the bytes between the quotes.
local strchar = escape / function(b) return b < 256 and string.char(b) or "?" end
              + C(1 - S '"\\' - nl)
local StrLit = sp * (P "u8" + S "LuU")^-1 * '"' * strchar^0 * '"'
local String = Ct(StrLit^1) / table.concat
G.String = String

-- ----------------------------------------------------------- grammar
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
            + S "|^&<>+-*/%"

-- Evaluate the captures of p now (keeps capture nesting shallow).
local function now(p)
  return Cmt(p, function(_, i, ...) return i, ... end)
end

local function node(kind, patt)
  return Ct(Cg(Cc(kind), "k") * sp * Cg(Pos, "pos") * patt)
end

local scalarwords = {}
for w in ([[signed unsigned short long int char float double void bool _Bool
  wchar_t char16_t char32_t __int8 __int16 __int32 __int64]]):gmatch("%S+") do
  scalarwords[w] = true
end
local ScalarWord = sp * Cmt(C(name), function(_, i, w)
  if scalarwords[w] then return i, w end
  return false
end)

local Qual = kw "const" + kw "volatile" + kw "restrict" + kw "__restrict"
local Storage = C(kw "static" + kw "extern" + kw "inline" + kw "register"
                + kw "constexpr" + kw "mutable") / function(w)
                  return { k = "storage", word = w:match("%a+") }
                end

-- Balanced parentheses (contents skipped).
local Balanced = P { "(" * ((1 - S "()") + V(1))^0 * ")" }
local Brackets = P { "[" * ((1 - S "[]") + V(1))^0 * "]" }

-- An object-like macro that stands for nothing or for attributes
-- ('#define PACKED __attribute__((packed))'), where attributes may stand.
local macros, pattrs = {}, nil
local MacroAttr = sp * Cmt(C(name) * Carg(1), function(s, i, w, off)
  local m = macros[w]
  if not m or keywords[w] then return false end
  if m.funclike then
    if lpeg.match(sp * "(", s, i) then
      G.throw(i - #w + off, ("function-like macro '%s' is not supported here"):format(w))
    end
    return false
  end
  if m.body == nil then return i end
  if m.attrs == nil then
    m.attrs = false -- while parsing its body: a macro naming itself is no attribute
    m.attrs = lpeg.match(pattrs, m.body, 1, m.bodypos - 1) or false
  end
  if m.attrs then return i, { k = "attrs", list = m.attrs } end
  return false
end)

local grammar = {
  "File",
  File = Ct(V "Item"^0) * sp * expect(-P(1), "a declaration"),
  Item = V "Pragma" + V "StaticAssert" + V "Namespace" + V "Extern"
       + V "Using" + refuse(kw "template", "templates are not supported")
       + V "Declaration" + tok ";",

  Pragma = node("pragma", tok "#" * hs^0 * "pragma" * -idchar
                * Cg(Pos, "tpos") * Cg(C((comment + P "\\" * nl + (1 - nl))^0), "text")),
  StaticAssert = node("static_assert",
    (kw "static_assert" + kw "_Static_assert") * sp * #P "("
    * Cg(Pos, "tpos") * Cg(C(Balanced), "text") * expect(tok ";", "';'")),
  Namespace = kw "namespace" * (Word / function() end)^-1 * expect(tok "{", "'{'")
              * node("block", Cg(Ct(V "Item"^0), "items"))
              * expect(tok "}", "'}' at the end of the namespace"),
  Extern = kw "extern" * #(sp * '"') * (String / function() end)
           * (tok "{" * node("block", Cg(Ct(V "Item"^0), "items"))
              * expect(tok "}", "'}' at the end of the extern block")
              + V "Declaration"),
  Using = kw "using" * (kw "namespace" * expect(Word / function() end, "a namespace name")
                        * expect(tok ";", "';'")
                        + node("using", Cg(expect(Word, "a type name"), "name")
                          * expect(tok "=", "'='")
                          * Cg(expect(V "TypeName", "a type"), "type")
                          * expect(tok ";", "';'"))),

  -- Declarations: specifiers, then declarators.
  Declaration = node("decl", Cg(kw "typedef" * Cc(true), "typedef")^-1
    * Cg(V "Specs", "specs")
    * Cg(Ct((V "Declarator" * (tok "," * expect(V "Declarator", "a declarator"))^0)^-1), "decls")
    * reject(P ":" * -P ":", "bit-fields are not supported")
    * expect(tok ";", "';'")),
  Specs = Ct(V "Pre"^0 * V "Base" * V "Pre"^0),
  Pre = Qual + Storage + V "Attr",
  Base = node("scalar", Cg(Ct(ScalarWord * (Qual^0 * ScalarWord)^0), "words"))
       + V "StructSpec" + V "EnumSpec"
       + node("name", Cg(Ct(Word * (tok "::" * Word)^0) / function(t)
           return table.concat(t, "::") end, "name")),

  StructSpec = node("struct", Cg(C(kw "struct" + kw "union" + kw "class")
      / function(w) return w:match("%a+") end, "kind")
    * Cg(Ct(V "Attr"^0), "attrs") * Cg(Word, "tag")^-1
    * reject(P ":" * -P ":", "base classes are not supported")
    * (tok "{" * Cg(now(V "Members"), "body")
       * expect(tok "}", "'}' or a member declaration")
       * Cg(Ct(V "Attr"^0), "post"))^-1
    * Cg(Pos, "stop")),
  Members = Ct((V "Pragma" + V "StaticAssert" + V "Access"
               + refuse(kw "virtual" + kw "operator" + kw "friend" + kw "template",
                        "member functions, virtual functions and templates are not supported")
               + V "Declaration" + tok ";")^0),
  Access = (kw "public" + kw "private" + kw "protected") * tok ":",

  EnumSpec = node("enum", kw "enum"
    * Cg((kw "class" + kw "struct") * Cc(true), "scoped")^-1
    * Cg(Ct(V "Attr"^0), "attrs") * Cg(Word, "tag")^-1
    * (tok ":" * Cg(expect(V "TypeName", "an integer type"), "base"))^-1
    * (tok "{" * Cg(Ct((V "Enumerator" * (tok "," * V "Enumerator")^0 * tok ","^-1)^-1), "body")
       * expect(tok "}", "'}' or an enumerator"))^-1),
  Enumerator = node("enumerator", Cg(Word, "name")
    * (tok "=" * Cg(expect(V "Expr", "an expression"), "value"))^-1),

  Declarator = node("declarator", V "FnPointer" + V "Plain"),
  -- A pointer to a function: a pointer like any other.
  FnPointer = tok "(" * Cg(Ct(V "Attr"^0), "pre") * tok "*" * Qual^0
    * Cg(Cc(1), "pointer") * Cg(expect(Word, "a name"), "name") * Cg(V "Dims", "dims")
    * expect(tok ")", "')'") * expect(sp * Balanced, "a parameter list")
    * Cg(Ct(V "Attr"^0), "attrs")
    * (tok "=" * Cg(expect(V "Expr", "an expression"), "init"))^-1,
  Plain = Cg(Ct((tok "*" * Qual^0 * Cc(true))^0) / function(t) return #t end, "pointer")
    * reject(P "&", "references are not supported")
    * Cg(Ct(V "Attr"^0), "pre")
    * reject(P "(", "function declarations are not supported")
    * Cg(Word, "name") * Cg(V "Dims", "dims") * Cg(Ct(V "Attr"^0), "attrs")
    * reject(P "(", "function declarations are not supported")
    * reject(P ":", "bit-fields are not supported")
    * reject(P "=" * sp * "{", "aggregate initializers are not supported")
    * (tok "=" * Cg(expect(V "Expr", "an expression"), "init"))^-1,
  Dims = Ct((sp * Ct(Cg(Pos, "pos") * "[" * Cg(V "Expr", "expr")^-1)
             * expect(tok "]", "']'"))^0),

  -- Attributes: __attribute__((...)), __declspec(...), alignas(...), [[...]].
  Attr = kw "__attribute__" * expect(tok "(", "'('") * expect(tok "(", "'('")
         * Ct((V "AttrItem" * (tok "," * V "AttrItem")^0)^-1)
         * expect(tok ")", "')'") * expect(tok ")", "')'")
         / function(t) return { k = "attrs", list = t } end
       + kw "__declspec" * expect(tok "(", "'('")
         * Ct(V "AttrItem"^0) * expect(tok ")", "')'")
         / function(t) return { k = "attrs", list = t } end
       + node("attr", (kw "alignas" + kw "_Alignas") * Cg(Cc "aligned", "name")
         * expect(tok "(", "'('")
         * Cg(Ct(V "TypeName" * #tok ")"), "type")^-1 * Cg(Ct(V "Expr"), "args")^-1
         * expect(tok ")", "')'"))
       + sp * "[[" * Brackets^0 * (1 - P "]]")^0 * "]]"
         * Cc { k = "attrs", list = {} }
       + MacroAttr,
  AttrItem = node("attr", Cg(Word + kw "const" * Cc "const", "name")
    * (tok "(" * (Cg(Ct(V "Expr" * (tok "," * V "Expr")^0), "args") * #tok ")"
                  + (Balanced + (1 - P ")"))^0)
       * expect(tok ")", "')'"))^-1),

  TypeName = node("typename", Cg(V "Specs", "specs")
    * Cg(Ct((tok "*" * Qual^0 * Cc(true))^0) / function(t) return #t end, "pointer")
    * Cg(V "Dims", "dims")),

  -- Constant expressions, C precedence.
  Expr = V "Cond",
  Cond = V "Binary" * (sp * Pos * "?" * expect(V "Expr", "an expression")
                    * expect(tok ":", "':'") * expect(V "Cond", "an expression"))^-1
         / function(c, pos, a, b)
           if pos == nil then return c end
           return { op = "?", pos = pos, c = c, a = a, b = b }
         end,
  Binary = Ct(V "Unary" * (sp * Pos * C(binop) * expect(V "Unary", "an expression"))^0)
           / climb,
  Unary = sp * Pos * C(S "-+~!") * expect(V "Unary", "an expression")
          / function(pos, op, a) return { op = "u" .. op, pos = pos, a = a } end
        + V "Cast" + V "Primary",
  Cast = sp * Pos * "(" * #(sp * (ScalarWord + Qual))
         * V "TypeName" * expect(tok ")", "')'") * expect(V "Unary", "an expression")
         / function(pos, t, a) return { op = "cast", pos = pos, type = t, a = a } end,
  Primary = Number + CharLit
          + tok "(" * now(expect(V "Expr", "an expression")) * expect(tok ")", "')'")
          + node("sizeof", Cg(Cc "sizeof", "op") * kw "sizeof" * expect(tok "(", "'(' (sizeof takes a type)")
                 * Cg(expect(V "TypeName", "a type name"), "type") * expect(tok ")", "')'"))
          + node("alignof", Cg(Cc "alignof", "op")
                 * (kw "alignof" + kw "_Alignof" + kw "__alignof__" + kw "__alignof")
                 * expect(tok "(", "'('") * Cg(expect(V "TypeName", "a type name"), "type")
                 * expect(tok ")", "')'"))
          + node("offsetof", Cg(Cc "offsetof", "op") * kw "offsetof" * expect(tok "(", "'('")
                 * Cg(expect(V "TypeName", "a type name"), "type") * expect(tok ",", "','")
                 * Cg(Ct(expect(Word, "a member name") * (tok "." * expect(Word, "a member name"))^0)
                      / function(t) return table.concat(t, ".") end, "path")
                 * expect(tok ")", "')'"))
          + node("defined", Cg(Cc "defined", "op") * kw "defined"
                 * (tok "(" * Cg(expect(Word, "a macro name"), "name") * expect(tok ")", "')'")
                    + Cg(expect(Word, "a macro name"), "name")))
          + node("id", Cg(Cc "id", "op") * Cg(Ct(Word * (tok "::" * Word)^0) / function(t)
              return table.concat(t, "::") end, "name")
              * reject(P "(", "function calls and function-like macros are not supported")),
}

local pfile = P(grammar)
grammar[1] = "AttrList"
grammar.AttrList = Ct(V "Attr"^1) * sp * -P(1)
pattrs = P(grammar)
grammar.AttrList = nil
grammar[1] = "Expr"
local pexpr = P(grammar) * sp * Cp()
grammar[1] = "TypeName"
local ptype = P(grammar) * sp * Cp()

-- The items of a preprocessed source, given its macros.
function G.file(text, defined)
  macros = defined
  local ok, items = pcall(lpeg.match, pfile, text, 1, 0)
  macros = {}
  if not ok then error(items, 0) end
  return items
end

-- One whole constant expression: text starts at byte pos of the source.
function G.expr(text, pos, what)
  local e, stop = lpeg.match(pexpr, text, 1, pos - 1)
  if e == nil or stop <= #text then
    G.throw(pos - 1 + (stop or lpeg.match(sp * Cp(), text)),
      ("%s is not an integer constant expression"):format(what or "this"))
  end
  return e
end

-- 'static_assert(' text: the condition and the message, or nil when the
-- condition is beyond this grammar (it is then left unchecked).
local sa = {}
for k, v in pairs(grammar) do sa[k] = v end
sa[1] = "SA"
sa.SA = "(" * V "Expr" * (tok "," * String)^-1 * tok ")" * sp * -P(1)
local psa = P(sa)
function G.static_assert(text, pos)
  local ok, e, msg = pcall(lpeg.match, psa, text, 1, pos - 1)
  if ok and e then return e, msg end
  return nil
end

-- Attributes alone (a macro standing for attributes), or nil.
function G.attributes(text, pos)
  local ok, a = pcall(lpeg.match, pattrs, text, 1, pos - 1)
  return ok and a or nil
end

-- A type name alone (a macro used as a type).
function G.typename(text, pos)
  local t, stop = lpeg.match(ptype, text, 1, pos - 1)
  if t and stop > #text then return t end
  return nil
end

G.describe = describe
return G
