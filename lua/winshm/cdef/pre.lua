-- winshm.cdef.pre -- the preprocessor pass of shm.cdef.
--
-- pre.run(ctx, source, file) finds the directives (outside comments and
-- string literals), follows #if/#ifdef/#ifndef/#elif/#else/#endif,
-- records #define/#undef in ctx.macros (winshm.cdef.macros), splices in
-- the files that #include "x.h" names (found in ctx.dirs) and notes what
-- it ignores.  It returns the text left for the declaration grammar: the
-- sources with every directive except #pragma, and every skipped line,
-- blanked with spaces, so that each stretch of it keeps the byte offsets
-- of its file.  ctx.segs maps the text back: { out = offset in the text,
-- file = name, src = offset in that file, source = its text }.
local lpeg = require "lpeg"
local L = require "winshm.cdef.lex"
local G = require "winshm.cdef.grammar"

local P, S, C, Cc, Cg, Cp, Ct = lpeg.P, lpeg.S, lpeg.C, lpeg.Cc, lpeg.Cg, lpeg.Cp, lpeg.Ct
local nl, hs, name, sp = L.nl, L.hs, L.name, L.sp

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
local continued = (hs + P "\\" * nl)^0
local params = P "(" * continued * Ct((C(name) * continued * ("," * continued * C(name) * continued)^0)^-1)
               * (P "," * continued)^-1 * continued * (C "..." + Cc(nil)) * continued * ")"
local defname = continued * Cp() * C(name) * (params + Cc(nil) * Cc(nil)) * Cp()
local onlyspace = sp * -1
local header = hs^0 * (P '"' * C((1 - S '"\r\n')^1) * '"' * Cc "quote"
                       + P "<" * C((1 - S ">\r\n")^1) * ">" * Cc "system") * sp * -1

local function blankout(s)
  return (s:gsub("[^\r\n]", " "))
end

-- The text being made: pieces, their length, and where each stretch
-- comes from.
local function writer()
  local w = { parts = {}, len = 0, segs = {} }
  function w.put(s, file, src, source)
    if #s == 0 then return end
    local last = w.segs[#w.segs]
    if not (last and last.file == file and last.src + (w.len + 1 - last.out) == src) then
      w.segs[#w.segs + 1] = { out = w.len + 1, file = file, src = src, source = source }
    end
    w.parts[#w.parts + 1] = s
    w.len = w.len + #s
  end
  return w
end

-- Conditional stack frames: { on = this branch is live, done = some branch
-- was taken, outer = the enclosing region is live, pos = the #if }.
local function conditional(ctx, stack, word, hash, rest, restpos)
  local top = stack[#stack]
  local live = top == nil or top.on
  local function test()
    if word == "ifdef" or word == "ifndef" or word == "elifdef" or word == "elifndef" then
      local m = lpeg.match(hs^0 * C(name) * onlyspace, rest)
      if not m then L.throw(restpos, "expected a macro name after #" .. word) end
      local def = ctx.macros.live[m] ~= nil
      if word:match("ndef$") then return not def end
      return def
    end
    return ctx:eval_pp(G.expr(rest, restpos, "the #" .. word .. " condition")) ~= 0
  end
  if word:match("^if") then
    local frame = { outer = live, pos = hash, on = false, done = false }
    if live then frame.on = test() end
    frame.done = frame.on
    stack[#stack + 1] = frame
  elseif top == nil then
    L.throw(hash, "#" .. word .. " without #if")
  elseif word == "endif" then
    stack[#stack] = nil
  elseif top.seenelse then
    L.throw(hash, "#" .. word .. " after #else")
  elseif word == "else" then
    top.seenelse = true
    top.on = top.outer and not top.done
    top.done = true
  else -- elif, elifdef, elifndef
    top.on = top.outer and not top.done and test()
    top.done = top.done or top.on
  end
end

local function define(ctx, hash, rest, restpos)
  local p, m, plist, dots, bodyat = lpeg.match(defname, rest)
  if not p then L.throw(restpos, "expected a macro name after #define") end
  local body = rest:sub(bodyat)
  local def = { name = m, pos = restpos + p - 1, body = body, bodypos = restpos + bodyat - 1 }
  if plist then def.funclike, def.params, def.variadic = true, plist, dots ~= nil end
  if lpeg.match(onlyspace, body) then def.body = nil end
  ctx.macros:define(def, hash)
end

-- The text of a directive for a note: without comments, spaces trimmed.
local nocomment = lpeg.Cs((quoted + block / " " + line / "" + 1)^0)
function pre.uncomment(s)
  return (nocomment:match(s):gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

pre.maxdepth = 64

-- #include: a file found in the includer's directory or one of ctx.dirs
-- is spliced in; system headers and files not found are noted.
local function include(ctx, w, file, depth, hash, rest)
  local target, kind = lpeg.match(header, rest)
  local shown = pre.uncomment(rest)
  if not target then
    ctx:note(hash, ("#include %s ignored (a computed #include)"):format(shown))
    return
  end
  if kind == "system" then
    ctx:note(hash, ("#include <%s> ignored (a system header)"):format(target))
    return
  end
  local dirs = {}
  local here = ctx.fromfile[file] and file:match("^(.*)[/\\]")
  if here then dirs[1] = here end
  for _, d in ipairs(ctx.dirs) do dirs[#dirs + 1] = d end
  for _, d in ipairs(dirs) do
    local path = d == "" and target or (d:gsub("[/\\]$", "") .. "/" .. target)
    local text = ctx.open(path)
    if text then
      if ctx.once[path] then return end
      if depth >= pre.maxdepth then
        L.throw(hash, ("#include nested more than %d deep (does '%s' include itself?)"):format(
          pre.maxdepth, target))
      end
      ctx.fromfile[path] = true
      pre.process(ctx, w, text, path, depth + 1)
      return
    end
  end
  ctx:note(hash, ('#include "%s" not found in the include directories (option include):'
    .. " ignored"):format(target))
end

local conditionals = { ["if"] = true, ifdef = true, ifndef = true, elif = true,
  elifdef = true, elifndef = true, ["else"] = true, endif = true }

-- One file into the writer w.
function pre.process(ctx, w, source, file, depth)
  if source:sub(1, 3) == "\239\187\191" then source = "   " .. source:sub(4) end -- BOM
  local dirs = scan:match(source)
  local last, stack = 1, {}
  local function put(s, at) w.put(s, file, at, source) end
  for i, d in ipairs(dirs) do
    put(source:sub(last, d.pos - 1), last)
    last = d.pos
    -- source offset p of this stretch -> offset in the text
    local base = w.len + 1 - d.pos
    local function at(p) return p + base end
    local word, wat = dirname:match(d.text)
    local rest, restpos = d.text:sub(wat), at(d.hash + wat)
    local hash = at(d.hash)
    local live = stack[#stack] == nil or stack[#stack].on
    local spliced = false
    if conditionals[word] then
      conditional(ctx, stack, word, hash, rest, restpos)
    elseif not live then -- luacheck: ignore 542 (skipped: nothing to do)
    elseif word == "define" then
      define(ctx, hash, rest, restpos)
    elseif word == "undef" then
      local m = lpeg.match(hs^0 * C(name), rest)
      if not m then L.throw(restpos, "expected a macro name after #undef") end
      ctx.macros:undef(m, hash)
    elseif word == "pragma" then
      -- kept for the grammar: #pragma pack applies where it stands
      if lpeg.match(hs^0 * "once" * onlyspace, rest) then ctx.once[file] = true end
      put(source:sub(d.pos, d.stop - 1), d.pos)
      last = d.stop
    elseif word == "include" then
      put(blankout(source:sub(d.pos, d.stop - 1)), d.pos)
      last, spliced = d.stop, true
      include(ctx, w, file, depth, hash, rest)
    elseif word == "error" then
      L.throw(hash, "#error" .. rest)
    elseif word == "" or word == "line" then -- luacheck: ignore 542
    else
      local r = pre.uncomment(rest)
      ctx:note(hash, ("#%s%s ignored"):format(word, r ~= "" and " " .. r or ""))
    end
    if last == d.pos and not spliced then
      put(blankout(source:sub(d.pos, d.stop - 1)), d.pos)
      last = d.stop
    end
    -- A skipped stretch is blanked up to the next directive.
    if not (stack[#stack] == nil or stack[#stack].on) then
      local nextd = dirs[i + 1]
      local upto = nextd and nextd.pos or #source + 1
      put(blankout(source:sub(last, upto - 1)), last)
      last = upto
    end
  end
  if stack[#stack] then L.throw(stack[#stack].pos, "unterminated #if") end
  put(source:sub(last), last)
end

-- The whole text of source (named file); ctx.segs says where each part
-- comes from.
function pre.run(ctx, source, file)
  local w = writer()
  ctx.segs = w.segs
  pre.process(ctx, w, source, file, 0)
  return table.concat(w.parts)
end

return pre
