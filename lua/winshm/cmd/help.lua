-- `winshm help [COMMAND]`: the usage of every command, or of one.
local cli = require "winshm.tools.cli"
local tools = require "winshm.tools"

local function overview()
  local lines = {
    "usage: winshm [options] [script [args]]",
    "       winshm COMMAND [args]",
    "",
    "Commands:",
  }
  for _, c in ipairs(tools.commands) do
    lines[#lines + 1] = "  " .. tools.describe(c).usage
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = "'winshm help COMMAND' tells more; 'winshm --help' lists the options"
  lines[#lines + 1] = "for running scripts."
  return table.concat(lines, "\n") .. "\n"
end

return cli.command {
  name = "help",
  usage = "winshm help [COMMAND]",
  text = "Show the usage of every command, or of one.",
  run = function(_, pos)
    if #pos == 0 then
      io.stdout:write(overview())
      return 0
    end
    if #pos > 1 then cli.usage_error("one COMMAND at most") end
    local def = tools.describe(pos[1])
    if not def then
      cli.usage_error(("no command '%s' (commands: %s)"):format(pos[1],
        table.concat(tools.commands, ", ")))
    end
    io.stdout:write("usage: ", def.usage, "\n\n", def.text, "\n")
    return 0
  end,
}
