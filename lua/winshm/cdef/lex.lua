-- winshm.cdef.lex -- the tokens of shm.cdef's grammar, in LPeg: spaces and
-- comments, names and keywords, integer, character, floating and string
-- literals, and the helpers that turn a failed match into a message.
--
-- Every pattern is matched with the source offset of its subject as
-- argument 1 (lpeg.match(p, s, i, offset)), so positions are byte offsets
-- of the text the preprocessor made.  Errors are raised with L.throw(pos,
-- message) and caught by winshm.cdef, which names file, line and column.
local lpeg = require "lpeg"

local P, S, R, C, Cc, Cp, Ct, Cmt, Carg =
  lpeg.P, lpeg.S, lpeg.R, lpeg.C, lpeg.Cc, lpeg.Cp, lpeg.Ct, lpeg.Cmt, lpeg.Carg

local L = {}

-- Parse errors: { pos = byte offset, msg = text }.
local Fail = {}
function L.throw(pos, msg)
  error(setmetatable({ pos = pos, msg = msg }, Fail), 0)
end
function L.iserror(e) return getmetatable(e) == Fail end

-- ------------------------------------------------------------ spaces
L.nl = P "\r\n" + S "\r\n"
L.hs = S " \t\f\v"
local idstart = R("az", "AZ") + "_"
L.idchar = idstart + R "09"
L.name = idstart * L.idchar^0
local nl, idchar = L.nl, L.idchar

-- The position of the match in the source (argument 1 is the offset).
L.Pos = Cp() * Carg(1) / function(p, off) return p + off end

local unterminated = Cmt(Carg(1), function(_, i, off)
  L.throw(i - 2 + off, "unterminated comment")
end)
L.comment = P "//" * (1 - nl)^0
          + P "/*" * ((1 - P "*/")^0 * "*/" + unterminated)
L.sp = (L.hs + nl + P "\\" * nl + L.comment)^0
local sp = L.sp

function L.tok(s) return sp * P(s) end
function L.kw(w) return sp * P(w) * -idchar end

-- A set of words as one pattern (longest first, whole words only).
function L.words(list)
  local t = {}
  for w in list:gmatch("%S+") do t[#t + 1] = w end
  table.sort(t, function(a, b) return #a > #b end)
  local p = P(false)
  for _, w in ipairs(t) do p = p + P(w) end
  return p * -idchar
end

L.keywords = [[struct union enum class typedef sizeof const volatile static
  extern signed unsigned short long int char float double void bool _Bool
  wchar_t char16_t char32_t char8_t __int8 __int16 __int32 __int64 inline
  __inline __forceinline register restrict __restrict __restrict__
  constexpr consteval constinit mutable alignas _Alignas __attribute__
  __declspec _Static_assert static_assert namespace template using public
  private protected virtual operator friend typename offsetof defined
  alignof _Alignof __alignof__ __alignof decltype explicit noexcept
  override final thread_local __cdecl __stdcall __fastcall __thiscall
  __vectorcall __clrcall __pascal __ptr32 __ptr64 __unaligned nullptr
  true false this new delete throw return]]
local Keyword = L.words(L.keywords)

-- An identifier that is no keyword.
L.Word = sp * -Keyword * C(L.name)
-- 'a::b::c' (a leading '::' dropped), one string.
L.QName = Ct((L.tok "::")^-1 * L.Word * (L.tok "::" * L.Word)^0)
          / function(t) return table.concat(t, "::") end

-- ---------------------------------------------------------- messages
local tokpat = C(L.name + R "09" * idchar^0 + P "::" + P "<<" + P ">>" + 1)
-- The token at i, quoted, for messages.
function L.describe(s, i)
  local t = lpeg.match(sp * tokpat, s, i)
  if t == nil then return "end of input" end
  if t:find("^[%c\128-\255]") then return ("byte 0x%02X"):format(t:byte()) end
  return "'" .. t .. "'"
end

-- 'p', or the error "expected <what>, found <token>" at the next token.
function L.expect(p, what)
  return p + sp * Cmt(Carg(1), function(s, i, off)
    L.throw(i + off, ("expected %s, found %s"):format(what, L.describe(s, i)))
  end)
end

-- An error at the next token when 'p' matches there: 'refuse' fails
-- otherwise (an alternative), 'reject' matches nothing (a check).
function L.refuse(p, msg)
  return sp * Cmt(Cp() * p * Carg(1), function(_, _, i, off)
    L.throw(i + off, msg)
  end)
end
function L.reject(p, msg) return L.refuse(p, msg)^-1 end

-- ---------------------------------------------------------- literals
local function tointeger(digits, base, pos)
  local v = 0
  for d in digits:gmatch("[^']") do
    local n = tonumber(d, 16)
    if n >= base then L.throw(pos, "invalid digit '" .. d .. "' in octal constant") end
    if v > (math.maxinteger - n) // base then
      L.throw(pos, "integer constant is too large")
    end
    v = v * base + n
  end
  return v
end
local hexdigit = R("09", "af", "AF")
local digits = R "09" * (P "'"^-1 * R "09")^0
local suffix = S "uUlL"^0 * -(idchar + ".")
local badnum = Cmt(Carg(1), function(_, i, off)
  L.throw(i + off, "expected an integer constant")
end)
L.Number = sp * (L.Pos * (P "0" * S "xX" * C(hexdigit^1) * Cc(16)
                        + P "0" * S "bB" * C(S "01"^1) * Cc(2)
                        + P "0" * C(R "07"^0) * Cc(8)
                        + C(R "19" * (P "'"^-1 * R "09")^0) * Cc(10)) * #suffix
                 / function(pos, d, base)
                   return { op = "num", pos = pos, value = tointeger(d, base, pos) }
                 end
                 * suffix
                 + #R "09" * badnum)

-- A floating constant: its value (as the compiler holds it: an f suffix
-- rounds to float) or nil.
local exponent = S "eE" * S "+-"^-1 * R "09"^1
local floatlit = C((digits * "." * digits^-1 + "." * digits) * exponent^-1
                   + digits * exponent) * C(S "fFlL"^-1) * -idchar
function L.tofloat(text, fsuffix)
  local v = tonumber(text)
  if fsuffix == "f" or fsuffix == "F" then v = string.unpack("<f", string.pack("<f", v)) end
  return v
end
L.Float = sp * floatlit / L.tofloat

local escapes = { n = 10, t = 9, r = 13, ["0"] = 0, a = 7, b = 8, f = 12,
                  v = 11, ["\\"] = 92, ["'"] = 39, ['"'] = 34, ["?"] = 63 }
local function unescape(e)
  if e:sub(1, 1) == "x" then return tonumber(e:sub(2), 16) end
  if e:match("^[0-7]+$") then return tonumber(e, 8) end
  return escapes[e] or e:byte()
end
local escape = P "\\" * C(P "x" * hexdigit^1 + R "07" * R "07"^-2 + 1) / unescape
L.CharLit = sp * L.Pos * S "LuU"^-1 * "'"
          * (escape + C(1 - S "'\\" - nl) / string.byte) * "'"
          / function(pos, v) return { op = "num", pos = pos, value = v } end

-- String literals, adjacent ones concatenated; also in the Windows
-- wrappers TEXT("..."), _T("..."), _TEXT("...").  The value is the bytes
-- between the quotes.
local strchar = escape / function(b) return b < 256 and string.char(b) or "?" end
              + C(1 - S '"\\' - nl)
local strlit = sp * (P "u8" + S "LuU")^-1 * '"' * strchar^0 * '"'
local wrapped = sp * (P "TEXT" + P "_TEXT" + P "_T" + P "__T") * L.tok "(" * strlit^1 * L.tok ")"
L.String = Ct((strlit + wrapped)^1) / table.concat

-- The characters of balanced groups, skipped: strings, characters and
-- comments inside them may hold any bracket.
local quoted = P '"' * (P "\\" * 1 + (1 - S '"\\' - nl))^0 * P '"'
             + P "'" * (P "\\" * 1 + (1 - S "'\\" - nl))^0 * P "'"
local inner = quoted + L.comment + (1 - S "()[]{}\"'/") + P "/"
L.Parens = P { "(" * (inner + S "[]{}" + lpeg.V(1))^0 * ")" }
L.Braces = P { "{" * (inner + S "()[]" + lpeg.V(1))^0 * "}" }
L.Brackets = P { "[" * (inner + S "(){}" + lpeg.V(1))^0 * "]" }
-- Template arguments <...> (parentheses protect a '>' inside).
L.Angles = P { "<" * (quoted + L.Parens + (1 - S "<>();{}") + lpeg.V(1))^0 * ">" }

return L
