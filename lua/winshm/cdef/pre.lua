-- winshm.cdef.pre -- the preprocessor pass of shm.cdef.
--
-- pre.run(source, ctx) finds the directives (outside comments and string
-- literals), follows #if/#ifdef/#ifndef/#elif/#else/#endif, records
-- #define/#undef in ctx.macros and notes what it ignores (#include, ...).
-- It returns the text left for the declaration grammar: the source with
-- every directive except #pragma, and every skipped line, blanked with
-- spaces, so byte offsets (and so lines and columns) stay those of the
-- source.
local lpeg = require "lpeg"
local G = require "winshm.cdef.grammar"

local P, S, C, Cg, Cp, Ct = lpeg.P, lpeg.S, lpeg.C, lpeg.Cg, lpeg.Cp, lpeg.Ct
local nl, hs, name, sp = G.nl, G.hs, G.name, G.sp

local pre = {}

-- The directives of a source: { pos (line start), hash (the '#'),
-- text (after '#', through the end of the logical line), stop }.
local block = P "/*" * (1 - P "*/")^0 * P "*/"^-1
local line = P "//" * (1 - nl)^0
local quoted = P '"' * (P "\\" * 1 + (1 - S '"\\' - nl))^0 * P '"'^-1
             + P "'" * (P "\\" * 1 + (1 - S "'\\" - nl))^0 * P "'"^-1
local dirtext = (block + P "\\" * nl + (1 - nl - "/*"))^0
local directive = Ct(Cg(Cp(), "pos") * hs^0 * Cg(Cp(), "hash") * "#"
                     * Cg(C(dirtext), "text") * Cg(Cp(), "stop"))
local scan = Ct(directive^-1 * (block + line + quoted + nl * directive^-1 + 1)^0)

-- '#' name rest: the directive's name (or "") and where the rest starts.
local dirname = hs^0 * (C(name) + C "") * Cp()
local defname = (hs + P "\\" * nl)^0 * Cp() * C(name) * (C "(" + C "") * Cp()
local onlyspace = sp * -1

local function blankout(s)
  return (s:gsub("[^\r\n]", " "))
end

-- Conditional stack frames: { on = this branch is live, done = some branch
-- was taken, outer = the enclosing region is live, pos = the #if }.
local function conditional(ctx, stack, word, d, rest, restpos)
  local top = stack[#stack]
  local live = top == nil or top.on
  local function test()
    if word == "ifdef" or word == "ifndef" or word == "elifdef" or word == "elifndef" then
      local m = lpeg.match(hs^0 * C(name) * onlyspace, rest)
      if not m then G.throw(restpos, "expected a macro name after #" .. word) end
      local def = ctx.macros[m] ~= nil
      if word:match("ndef$") then return not def end
      return def
    end
    return ctx:eval_pp(G.expr(rest, restpos, "the #" .. word .. " condition")) ~= 0
  end
  if word:match("^if") then
    local frame = { outer = live, pos = d.hash, on = false, done = false }
    if live then frame.on = test() end
    frame.done = frame.on
    stack[#stack + 1] = frame
  elseif top == nil then
    G.throw(d.hash, "#" .. word .. " without #if")
  elseif word == "endif" then
    stack[#stack] = nil
  elseif top.seenelse then
    G.throw(d.hash, "#" .. word .. " after #else")
  elseif word == "else" then
    top.seenelse = true
    top.on = top.outer and not top.done
    top.done = true
  else -- elif, elifdef, elifndef
    top.on = top.outer and not top.done and test()
    top.done = top.done or top.on
  end
end

local function define(ctx, d, rest, restpos)
  local p, m, paren, bodyat = lpeg.match(defname, rest)
  if not p then G.throw(restpos, "expected a macro name after #define") end
  if paren == "(" then
    ctx.macros[m] = { pos = restpos + p - 1, funclike = true }
    ctx:note(d.hash, ("function-like macro '%s' ignored"):format(m))
    return
  end
  local body = rest:sub(bodyat)
  local macro = { pos = restpos + p - 1, body = body, bodypos = restpos + bodyat - 1 }
  if lpeg.match(onlyspace, body) then macro.body = nil end
  ctx.macros[m] = macro
  ctx.order[#ctx.order + 1] = m
end

local conditionals = { ["if"] = true, ifdef = true, ifndef = true, elif = true,
  elifdef = true, elifndef = true, ["else"] = true, endif = true }

function pre.run(source, ctx)
  local dirs = scan:match(source)
  local out, last, stack = {}, 1, {}
  for i, d in ipairs(dirs) do
    local word, at = dirname:match(d.text)
    local rest, restpos = d.text:sub(at), d.hash + at
    local live = stack[#stack] == nil or stack[#stack].on
    out[#out + 1] = source:sub(last, d.pos - 1)
    last = d.pos
    if conditionals[word] then
      conditional(ctx, stack, word, d, rest, restpos)
    elseif not live then -- luacheck: ignore 542 (skipped: nothing to do)
    elseif word == "define" then
      define(ctx, d, rest, restpos)
    elseif word == "undef" then
      local m = lpeg.match(hs^0 * C(name), rest)
      if not m then G.throw(restpos, "expected a macro name after #undef") end
      ctx.macros[m] = nil
    elseif word == "pragma" then
      -- kept for the grammar: #pragma pack applies where it stands
      out[#out + 1] = source:sub(d.pos, d.stop - 1)
      last = d.stop
    elseif word == "error" then
      G.throw(d.hash, "#error" .. rest)
    elseif word == "" or word == "line" then -- luacheck: ignore 542
    else
      ctx:note(d.hash, ("#%s%s ignored"):format(word, rest:gsub("%s+$", "")))
    end
    if last == d.pos then
      out[#out + 1] = blankout(source:sub(d.pos, d.stop - 1))
      last = d.stop
    end
    -- A skipped stretch is blanked up to the next directive.
    if not (stack[#stack] == nil or stack[#stack].on) then
      local nextd = dirs[i + 1]
      local upto = nextd and nextd.pos or #source + 1
      out[#out + 1] = blankout(source:sub(last, upto - 1))
      last = upto
    end
  end
  if stack[#stack] then G.throw(stack[#stack].pos, "unterminated #if") end
  out[#out + 1] = source:sub(last)
  return table.concat(out)
end

return pre
