-- winshm.cdef.grammar -- the C and C++ declaration grammar of shm.cdef, in
-- LPeg.  G.file(text, macros) turns preprocessed text (winshm.cdef.pre)
-- into a list of items; every node carries 'pos', a byte offset of that
-- text.  Function bodies, template declarations and initializers are
-- matched as balanced text and kept raw (the builder notes them as
-- skipped or evaluates them).  Tokens are in winshm.cdef.lex, expressions
-- in winshm.cdef.exprs.
--
-- No match-time capture here returns values: LPeg keeps those on the Lua
-- stack until the whole match ends, which caps a file at about 32,000.
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"
local exprs = require "winshm.cdef.exprs"

local P, S, C, Cc, Cg, Cp, Ct, Cmt, Carg, V =
  lpeg.P, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.Carg, lpeg.V
local sp, tok, kw, expect, refuse, reject = L.sp, L.tok, L.kw, L.expect, L.refuse, L.reject
local Word, QName, idchar = L.Word, L.QName, L.idchar

local G = {}

local function node(kind, patt)
  return Ct(Cg(Cc(kind), "k") * sp * Cg(L.Pos, "pos") * patt)
end
local function word(w) return sp * C(P(w) * -idchar) end
local drop = function() end

-- ------------------------------------------------------------ macros
-- An object-like macro that stands for nothing, attributes, qualifiers
-- or pragmas ('#define PACKED __attribute__((packed))', '#define API'),
-- or a function-like one whose call does ('DECLSPEC_ALIGN(16)'), where
-- attributes may stand.  'macros' is the table of the parse under way
-- (winshm.cdef.macros); 'uses' the expansions in progress.
local macros, uses = nil, {}

local function expansion(pos, name, args)
  local m = macros and macros:at(name, uses.at or pos)
  if not m or uses[m] or (m.funclike and not args) or (args and not m.funclike) then
    return nil
  end
  local key = macros:epoch(uses.at or pos) .. (args or "")
  m.attrs = m.attrs or {}
  local hit = m.attrs[key]
  if hit == nil then
    local body, at = m.body or "", m.bodypos or pos
    if args then body, at = macros:expand(m, name, args, pos), pos end
    uses[m] = true
    local outer = uses.at
    uses.at = outer or pos
    local ok, list = pcall(G.attributes_of, body, at)
    uses[m], uses.at = nil, outer
    hit = ok and list or false  -- a body of anything else is no such macro
    m.attrs[key] = hit
  end
  return hit or nil
end

local function build(pos, name, args)
  return { k = "macro", pos = pos, name = name, items = expansion(pos, name, args) }
end
local function check(_, i, pos, name, args)
  return expansion(pos, name, args) ~= nil and i
end
local MacroUse = sp * #Cmt(L.Pos * C(L.name) * sp * C(L.Parens), check)
                 * L.Pos * C(L.name) * sp * C(L.Parens) / build
               + sp * #Cmt(L.Pos * C(L.name), check) * L.Pos * C(L.name) / build

-- --------------------------------------------------------- the rules
local Qual = L.words [[const volatile restrict __restrict __restrict__ __ptr32
  __ptr64 __unaligned __cdecl __stdcall __fastcall __thiscall __vectorcall
  __clrcall __pascal typename]]
local storage = L.words [[static extern inline __inline __forceinline register
  constexpr consteval constinit mutable thread_local virtual explicit]]
local scalar = L.words [[signed unsigned short long int char float double void
  bool _Bool wchar_t char16_t char32_t char8_t __int8 __int16 __int32 __int64]]

local opsym = P "()" + P "[]" + P "->*" + P "->" + P "<=>" + P "<<=" + P ">>="
            + P "new" * sp * P "[]" + P "delete" * sp * P "[]" + P "new" + P "delete"
            + S "=!<>+-*/%^&|" * P "=" + P "<<" + P ">>" + P "&&" + P "||"
            + P "++" + P "--" + P "," + S "=!<>+-*/%^&|~"
-- The end of a declaration: ';', or where it is missing (the builder
-- decides: a function body needs none).
local End = tok ";" * Cc(false) + sp * Ct(Cg(L.Pos, "pos"))

-- A declaration skipped whole: up to its ';' or its closing brace.
local quoted = P '"' * (P "\\" * 1 + (1 - S '"\\\n'))^0 * P '"'
             + P "'" * (P "\\" * 1 + (1 - S "'\\\n"))^0 * P "'"
local Skip = (quoted + L.comment + L.Parens + L.Brackets + (1 - S ";{}()[]\"'/") + "/")^0
             * (P ";" + L.Braces * tok ";"^-1)
local InitText = (quoted + L.comment + L.Parens + L.Braces + L.Brackets
                  + (1 - S ",;{}()[]\"'/") + "/")^1
local unbalanced = refuse(P "{", "unterminated '{' (no matching '}')")
local Body = sp * (L.Braces + #P "{" * unbalanced)

local grammar = {
  "File",
  File = Ct(V "Item"^0) * sp * expect(-P(1), "a declaration"),
  Item = V "Pragma" + V "StaticAssert" + V "Namespace" + V "Extern" + V "Using"
       + V "Template" + V "Ctor" + V "Declaration" + V "MacroItem" + tok ";",

  Pragma = node("pragma", tok "#" * L.hs^0 * "pragma" * -idchar * Cg(L.Pos, "tpos")
                * Cg(C((L.comment + P "\\" * L.nl + (1 - L.nl))^0), "text"))
         + node("pragma", kw "__pragma" * tok "(" * Cg(L.Pos, "tpos")
                * Cg(C((L.Parens + (1 - S "()"))^0), "text") * expect(tok ")", "')'"))
         + node("pragma", kw "_Pragma" * tok "(" * Cg(L.Pos, "tpos")
                * Cg(L.String, "text") * expect(tok ")", "')'")),
  StaticAssert = node("static_assert",
    (kw "static_assert" + kw "_Static_assert") * sp * #P "("
    * Cg(L.Pos, "tpos") * Cg(C(L.Parens), "text") * expect(tok ";", "';'")),
  Namespace = node("block", kw "inline"^-1 * kw "namespace" * (QName / drop)^-1 * V "Attr"^0
    * (tok "{" * Cg(Ct(V "Item"^0), "items")
       * expect(tok "}", "'}' at the end of the namespace")
       + tok "=" * expect(QName / drop, "a namespace name") * expect(tok ";", "';'"))),
  Extern = kw "extern" * #(sp * '"') * (L.String / drop)
           * (tok "{" * node("block", Cg(Ct(V "Item"^0), "items"))
              * expect(tok "}", "'}' at the end of the extern block")
              + V "Declaration"),
  Using = kw "using" * (kw "namespace" * expect(QName / drop, "a namespace name")
                        * expect(tok ";", "';'")
                        + node("using", Cg(Word, "name") * V "Attr"^0 * tok "="
                          * Cg(expect(V "TypeName", "a type"), "type")
                          * expect(tok ";", "';'"))
                        + node("usingdecl", kw "typename"^-1 * Cg(expect(QName, "a name"), "name")
                          * expect(tok ";", "';'"))),
  Template = node("template", kw "extern"^-1 * kw "template" * (sp * L.Angles)^-1 * sp * Skip),
  Friend = node("friend", kw "friend" * sp * Skip),
  MacroItem = node("macros", Cg(Ct(MacroUse^1), "items")) * tok ";"^-1,

  -- A constructor, destructor or conversion operator: a function with no
  -- type before its name.
  Ctor = node("ctor", Cg(Ct((V "Storage" + V "Attr")^0), "specs")
    * Cg(V "DeclName", "name") * #tok "(" * V "FnTail"),
  FnTail = sp * L.Parens * V "FnQuals" * V "CtorInit"^-1
    * (Body + tok "=" * (kw "default" + kw "delete" + tok "0") * tok ";" + tok ";"),
  CtorInit = tok ":" * -P ":" * V "MemInit" * (tok "," * V "MemInit")^0 * #tok "{",
  MemInit = sp * QName * (sp * L.Angles)^-1 * sp * (L.Parens + L.Braces) * tok "..."^-1,

  -- Declarations: specifiers, then declarators.
  Declaration = node("decl", Cg(kw "typedef" * Cc(true), "typedef")^-1
    * Cg(V "Specs", "specs")
    * Cg(Ct((V "Declarator" * (tok "," * expect(V "Declarator", "a declarator"))^0)^-1), "decls")
    * reject(P ":" * -P ":", "bit-fields are not supported: declare the whole storage"
             .. " unit instead (e.g. 'uint32_t flags;') and take the bits out in Lua")
    * Cg(End, "missing")),
  Specs = Ct(V "Pre"^0 * V "Base" * V "Pre"^0),
  Pre = sp * Qual + V "Storage" + V "Attr",
  Storage = sp * C(storage) / function(w) return { k = "storage", word = w } end,
  Base = node("scalar", Cg(Ct(V "ScalarWord" * ((sp * Qual)^0 * V "ScalarWord")^0), "words"))
       + V "StructSpec" + V "EnumSpec" + V "DeclType"
       + node("name", Cg(QName, "name") * (sp * Cg(L.Pos, "tpos") * Cg(C(L.Angles), "targs"))^-1),
  ScalarWord = sp * C(scalar),
  Qual = sp * Qual,
  DeclType = node("decltype", kw "decltype" * expect(tok "(", "'('")
    * Cg(expect(QName * #tok ")", "a member (decltype(Type::member))"), "member")
    * expect(tok ")", "')'")),

  StructSpec = node("struct", Cg(sp * C(P "struct" + P "union" + P "class") * -idchar, "kind")
    * Cg(Ct(V "Attr"^0), "attrs") * Cg(QName, "tag")^-1 * (sp * L.Angles)^-1 * kw "final"^-1
    * Cg(V "BaseClause", "bases")^-1
    * (tok "{" * Cg(V "Members", "body")
       * expect(tok "}", "'}' or a member declaration")
       * Cg(Ct(V "Attr"^0), "post"))^-1
    * Cg(L.Pos, "stop")),
  BaseClause = tok ":" * -P ":" * Ct(V "BaseSpec" * (tok "," * expect(V "BaseSpec", "a base class"))^0),
  BaseSpec = node("base", Cg(Ct((word "virtual" + word "public" + word "protected"
                                  + word "private")^0), "mods")
    * Cg(expect(QName, "a base class name"), "name") * Cg(sp * C(L.Angles), "targs")^-1),
  Members = Ct((V "Pragma" + V "StaticAssert" + V "Access" + V "Using" + V "Template"
               + V "Friend" + V "Ctor" + V "Declaration" + V "MacroItem" + tok ";")^0),
  Access = node("access", Cg(word "public" + word "private" + word "protected", "word")
                * tok ":" * -P ":"),

  EnumSpec = node("enum", kw "enum"
    * Cg((kw "class" + kw "struct") * Cc(true), "scoped")^-1
    * Cg(Ct(V "Attr"^0), "attrs") * Cg(QName, "tag")^-1
    * (tok ":" * Cg(expect(V "TypeName", "an integer type"), "base"))^-1
    * (tok "{" * Cg(Ct((V "Enumerator" * (tok "," * V "Enumerator")^0 * tok ","^-1)^-1), "body")
       * expect(tok "}", "'}' or an enumerator"))^-1),
  Enumerator = node("enumerator", Cg(Word, "name") * V "Attr"^0
    * (tok "=" * Cg(expect(V "Expr", "an expression"), "value"))^-1),

  -- Declarators, inside out as C reads them: 'ptrs' apply first, then
  -- the suffixes (array sizes, parameter lists), then the inner
  -- declarator of a parenthesized one ('(*fn)(int)').
  Declarator = node("declarator", V "DeclCore" * Cg(Ct(V "Attr"^0), "attrs")
    * Cg(V "Colon", "colon")^-1 * Cg(V "Init", "init")^-1),
  DeclCore = Cg(V "Ptrs", "ptrs") * Cg(Ct(V "Attr"^0), "pre")
    * (V "Nested" + Cg(V "DeclName", "name")) * Cg(V "Suffixes", "suffix"),
  Ptrs = Ct((tok "*" * Cc "*" * (sp * Qual)^0 + tok "&&" * Cc "&&" + tok "&" * Cc "&"
             + sp * Qual + MacroUse / drop)^0),
  Nested = tok "(" * #(sp * (S "*&(" + Qual + "__attribute__" + "__declspec") + Word * sp * ")"
                       + MacroUse)
           * Cg(node("declarator", V "DeclCore"), "inner") * expect(tok ")", "')'"),
  DeclName = V "OpName" + V "DtorName"
           + QName * (tok "::" * V "DtorName")^-1 / function(q, d) return d and q .. "::" .. d or q end,
  OpName = sp * C(P "operator" * -idchar * (sp * opsym + (1 - S "(;{}")^1))
           / function(s) return (s:gsub("%s+", " ")) end,
  DtorName = sp * C(P "~" * sp * L.name) / function(s) return (s:gsub("%s+", "")) end,
  Suffixes = Ct((V "Dim" + V "Params")^0),
  Dim = Ct(Cg(Cc "dim", "k") * sp * -P "[[" * Cg(L.Pos, "pos") * "[" * Cg(V "Expr", "expr")^-1
           * expect(tok "]", "']'")),
  Params = Ct(Cg(Cc "params", "k") * sp * Cg(L.Pos, "pos") * L.Parens) * V "FnQuals",
  FnQuals = (sp * Qual + kw "noexcept" * (sp * L.Parens)^-1 + kw "throw" * sp * L.Parens
             + kw "override" + kw "final" + tok "&&" + tok "&" + V "Attr" / drop
             + tok "->" * V "TypeName" / drop)^0,
  -- ': ...' after a declarator: a constructor's initializers, or the
  -- width of a bit-field.
  Colon = sp * Ct(Cg(L.Pos, "pos") * ":" * -P ":" * (#(V "MemInit" * (tok "," * V "MemInit")^0 * tok "{")
          * (V "MemInit" * (tok "," * V "MemInit")^0) * Cg(Cc(true), "ctorinit")
          + Cg(V "Expr", "width")^-1)),
  Init = sp * Ct(Cg(L.Pos, "pos") * ("=" * -P "=" * sp * Cg(L.Pos, "at")
                                     * Cg(expect(C(InitText), "an initializer"), "text")
                                     + #P "{" * Cg(L.Pos, "at") * Cg(C(L.Braces), "brace")
                                     + #P "{" * unbalanced)),

  -- Attributes: __attribute__((...)), __declspec(...), alignas(...),
  -- [[...]], and macros that stand for them.
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
       + sp * "[[" * L.Brackets^0 * (1 - P "]]")^0 * "]]" * Cc { k = "attrs", list = {} }
       + MacroUse,
  AttrItem = node("attr", Cg(Word + kw "const" * Cc "const", "name")
    * (tok "(" * (Cg(Ct(V "Expr" * (tok "," * V "Expr")^0), "args") * #tok ")"
                  + (L.Parens + (1 - P ")"))^0)
       * expect(tok ")", "')'"))^-1),

  TypeName = node("typename", Cg(V "Specs", "specs") * Cg(V "Abstract", "decl")),
  Abstract = Ct(Cg(V "Ptrs", "ptrs")
    * (tok "(" * #(sp * (S "*&" + Qual)) * Cg(V "Abstract", "inner") * expect(tok ")", "')'"))^-1
    * Cg(V "Suffixes", "suffix")),
}
for k, r in pairs(exprs) do grammar[k] = r end

-- One compiled grammar serves every entry point (a compiled grammar is
-- large): argument 2 of a match names the rule it starts at.
local function start(name, rule)
  return Cmt(Carg(2), function(_, i, entry) return entry == name and i end) * rule
end
grammar[1] = "Start"
grammar.Start = start("file", V "File")
  + start("expr", V "Expr" * sp * Cp())
  + start("type", V "TypeName" * sp * Cp())
  + start("macro", Ct((V "Attr" + V "Storage" + V "Pragma" + sp * Qual)^0) * sp * -P(1))
  + start("sa", "(" * V "Expr" * (tok "," * L.String)^-1 * tok ")" * sp * -P(1))
  + start("args", V "TypeName" * tok "," * V "Expr" * sp * -P(1))
local whole = P(grammar)
local function parse(entry, text, offset)
  return lpeg.match(whole, text, 1, offset, entry)
end

-- The items of a preprocessed text, given its macros.
function G.file(text, defined)
  macros, uses = defined, {}
  local ok, items = pcall(parse, "file", text, 0)
  macros = nil
  if not ok then error(items, 0) end
  return items
end

-- One whole constant expression: text starts at byte pos.
function G.expr(text, pos, what)
  local e, stop = parse("expr", text, pos - 1)
  if e == nil or stop <= #text then
    L.throw(pos - 1 + (stop or lpeg.match(sp * Cp(), text)),
      ("%s is not an integer constant expression"):format(what or "this"))
  end
  return e
end

-- A type name alone (a macro used as a type), or nil.
function G.typename(text, pos)
  local ok, t, stop = pcall(parse, "type", text, pos - 1)
  if ok and t and stop > #text then return t end
  return nil
end

-- 'static_assert(' text: the condition and the message, or nil when the
-- condition is beyond this grammar (it is then left unchecked).
function G.static_assert(text, pos)
  local ok, e, msg = pcall(parse, "sa", text, pos - 1)
  if ok and e then return e, msg end
  return nil
end

-- Attributes, qualifiers or pragmas alone (a macro body), or nil.
function G.attributes_of(text, pos)
  return parse("macro", text, pos - 1)
end

-- The same for a macro of the table 'defined', or nil.
function G.attributes(text, pos, defined)
  local outer = macros
  macros = macros or defined
  local ok, a = pcall(parse, "macro", text, pos - 1)
  macros = outer
  return ok and a or nil
end

-- std::array's '<T, N>': the type and the size expression, or nil.
function G.array_args(text, pos)
  -- (without its '<' and '>': a '>' in there would close the list)
  local ok, t, n = pcall(parse, "args", text:sub(2, -2), pos)
  if ok and t then return t, n end
  return nil
end

return G
