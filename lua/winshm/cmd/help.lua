-- `winshm help ...`: the host runs this module's function with the
-- command's arguments; winshm.tools does the work.
return function(...)
  return require("winshm.tools").main({ "help", ... })
end
