-- winshm.tools.cli: what every `winshm COMMAND` shares -- its definition,
-- option parsing, and errors as one line with an exit status.
--
--   cli.command { name =, usage =, text =, options = {...}, run = fn }
--     -> the function lua/winshm/cmd/NAME.lua returns to the host: called
--        with the command's arguments, it returns the exit status (0 ok,
--        1 failure, 2 bad usage) and writes every error as one line
--        "winshm NAME: message" on io.stderr
--   cli.defs[name]        the definitions made so far
--   cli.fail(msg [, status]), cli.usage_error(msg), cli.oneline(err)
--   cli.integer(min [, max]), cli.number(min, max)   numeric option kinds
--   cli.interruptible(fn) -> true | false when Ctrl-C stopped fn
--   cli.one(pos, what) -> the one positional argument
--
-- options maps an option name to "flag", "value" or a numeric kind, and
-- "-x" to the long name of a one-letter option taking a value ("-o" ->
-- "output"); run(opts, pos) gets the parsed options and the positional
-- arguments.
local M = {}

M.defs = {}

-- ============================================================= errors

-- A failure the user should read: one line, then the exit status.
local Failure = {}
Failure.__index = Failure
Failure.__tostring = function(e) return e.msg end

function M.fail(msg, status)
  error(setmetatable({ msg = msg, status = status or 1 }, Failure), 0)
end

function M.usage_error(msg)
  M.fail(msg, 2)
end

-- The first line of an error value, without a "file:line:" position.
function M.oneline(e)
  local s = tostring(e)
  s = s:match("^[^\n]*")
  return (s:gsub("^[^:\n]*%.lua:%d+: ", ""))
end

-- ============================================================ numbers

-- A numeric option kind: values from min to max (both included).
local function numeric(kind, min, max)
  return { kind = kind, min = min, max = max }
end

function M.integer(min, max)
  return numeric("integer", min, max or math.maxinteger)
end

function M.number(min, max)
  return numeric("number", min, max)
end

local function range_text(k)
  if k.max == math.maxinteger then return (">= %d"):format(k.min) end
  return ("from %s to %s"):format(k.min, k.max)
end

-- The value of numeric option 'name' of kind k, or a usage error.  NaN,
-- infinities and values out of range (1e-300 Hz, 1e309 Hz) are refused.
local function tonum(name, k, text)
  local n = tonumber(text)
  if n and k.kind == "integer" then n = math.tointeger(n) end
  if not n or n ~= n or n < k.min or n > k.max then
    M.usage_error(("option '--%s' needs %s %s, not '%s'"):format(name,
      k.kind == "integer" and "an integer" or "a number", range_text(k), text))
  end
  return n
end

-- ============================================================ options

-- Split args into options and positional arguments (after "--" every
-- argument is positional).  "--name value" and "--name=value" both work.
local function parse(spec, args)
  local opts, pos = {}, {}
  local i = 1
  while i <= #args do
    local a = args[i]
    if a == "--" then
      table.move(args, i + 1, #args, #pos + 1, pos)
      break
    elseif a == "-h" or a == "--help" then
      opts.help = true
    elseif a:sub(1, 2) == "--" then
      local name, value = a:match("^%-%-([^=]+)=(.*)$")
      name = name or a:sub(3)
      local kind = spec[name]
      if not kind then M.usage_error(("unknown option '--%s'"):format(name)) end
      if kind == "flag" then
        if value then M.usage_error(("option '--%s' takes no value"):format(name)) end
        value = true
      else
        if not value then
          i = i + 1
          value = args[i]
          if value == nil then M.usage_error(("option '--%s' needs a value"):format(name)) end
        end
        if kind ~= "value" then value = tonum(name, kind, value) end
      end
      opts[name] = value
    elseif a:sub(1, 1) == "-" and #a > 1 then
      -- "-o FILE": a one-letter option is its long name's first letter
      local long = #a == 2 and spec["-" .. a:sub(2)]
      if not long then M.usage_error(("unknown option '%s'"):format(a)) end
      i = i + 1
      if args[i] == nil then M.usage_error(("option '%s' needs a value"):format(a)) end
      opts[long] = args[i]
    else
      pos[#pos + 1] = a
    end
    i = i + 1
  end
  return opts, pos
end

-- ============================================================= running

-- Run command 'def' with the argument list 'args'; the exit status.
function M.run(def, args)
  local ok, status = pcall(function()
    local opts, pos = parse(def.options or {}, args)
    if opts.help then
      io.stdout:write("usage: ", def.usage, "\n\n", def.text, "\n")
      return 0
    end
    return def.run(opts, pos)
  end)
  if ok then return status or 0 end
  local e = status
  local failure = getmetatable(e) == Failure
  local msg = failure and e.msg or M.oneline(e)
  if failure and e.status == 2 then
    msg = msg .. (" (see 'winshm help %s')"):format(def.name)
  end
  io.stderr:write("winshm ", def.name, ": ", msg, "\n")
  io.stderr:flush()
  return failure and e.status or 1
end

function M.command(def)
  M.defs[def.name] = def
  return function(...)
    return M.run(def, { ... })
  end
end

-- Run fn(); true when it returned, false when Ctrl-C interrupted it (the
-- host raises "interrupted!"); any other error goes on.
function M.interruptible(fn)
  local ok, err = pcall(fn)
  if ok then return true end
  if tostring(err):find("interrupted!", 1, true) then return false end
  error(err, 0)
end

-- Exactly one positional argument, 'what' (e.g. "region NAME").
function M.one(pos, what)
  if #pos ~= 1 then
    M.usage_error(#pos == 0 and "missing " .. what or
      ("one %s expected, got %d arguments"):format(what, #pos))
  end
  return pos[1]
end

return M
