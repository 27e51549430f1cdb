-- winshm.tools: the commands of `winshm COMMAND [args]`.
--
--   require("winshm.tools").main({ "dump", "game", "--layout", "gs.lua" })
--     -> exit status (0 ok, 1 failure, 2 bad usage)
--   tools.commands            the command names, in the order help lists them
--   tools.describe(name)      -> the command's definition (name, usage, text,
--                                options, run) | nil
--
-- Each command is the module winshm.cmd.NAME (lua/winshm/cmd/NAME.lua),
-- which the host runs for `winshm NAME`; what they share is under
-- winshm.tools.*.  Output goes to io.stdout; every error is one line on
-- io.stderr, "winshm COMMAND: message".
local cli = require "winshm.tools.cli"

local M = {}

M.commands = { "dump", "watch", "ls", "rm", "record", "replay", "export", "plot", "help" }

local known = {}
for _, c in ipairs(M.commands) do known[c] = true end

function M.describe(name)
  if not known[name] then return nil end
  require("winshm.cmd." .. name)
  return cli.defs[name]
end

-- Run the command args[1] with args[2..]; returns the exit status.
function M.main(args)
  local name = args[1]
  if name == "-h" or name == "--help" then name = "help" end
  if not known[name] then
    io.stderr:write("winshm: ", name == nil and "missing COMMAND" or
      ("no command '%s'"):format(name), " (commands: ",
      table.concat(M.commands, ", "), ")\n")
    return 2
  end
  return require("winshm.cmd." .. name)(table.unpack(args, 2))
end

return M
