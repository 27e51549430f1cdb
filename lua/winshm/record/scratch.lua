-- winshm.record.scratch: a private region holding one frame, so that a
-- frame's bytes can be read as shm.read reads a view.
--
--   scratch.new(shm, layout) -> { link =, view = } | nil, err
--   scratch.close(obj)   close obj.f (a file) and obj.copy (a scratch
--                        region), once: the close of recorders and
--                        recordings
--
-- Its name is unique to this process and, on POSIX, removed at once: no
-- other process can find it, and it goes with the link.
local M = {}

local WINDOWS = package.config:sub(1, 1) == "\\"

function M.new(shm, layout)
  local link, err
  for _ = 1, 10 do
    local name = ("winshm-frame-%d-%d"):format(shm._sys.pid(), math.random(1, 1e9))
    link, err = shm.create(name, layout)
    if link then
      if not WINDOWS then shm.remove(name) end
      return { link = link, view = link:get_mut() }
    end
    if err.code ~= "EEXIST" then break end
  end
  return nil, err
end

function M.close(obj)
  local f = obj.f
  if f then
    obj.f = nil
    f:close()
    if obj.copy then obj.copy.link:close() end
  end
  return true
end

return M
