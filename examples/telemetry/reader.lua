-- reader.lua [SECONDS [NAME]]: prints consistent snapshots of the block
-- producer.lua publishes, five a second.
local shm = require "winshm"
local T = dofile((arg[0]:match("^(.*[/\\])") or "") .. "layout.lua")

local seconds = tonumber(arg[1]) or 5
local name = arg[2] or T.name
local pause <close> = assert(shm.event(name .. ".pause"))

-- wait (up to 10 s) for the producer to create the block
local link
for _ = 1, 100 do
  link = shm.open(name, T.Telemetry)
  if link then break end
  pause:wait(100)
end
assert(link, "reader: no telemetry block " .. name .. " (start producer.lua)")
local view = link:get()

for _ = 1, seconds * 5 do
  local s, version = shm.read_consistent(view, T.scheme)
  if s then
    print(("v%-5d frame %-5d t=%6.2f s  %5.1f m/s  %4.0f rpm  gear %d  "
      .. "pos (%.1f, %.1f)  tyres %s  %s"):format(version, s.mFrame,
      s.mElapsedTime, s.mSpeed, s.mEngineRPM, s.mGear, s.mPos.x, s.mPos.z,
      ("%.1f %.1f %.1f %.1f"):format(table.unpack(s.mTyreTemp)),
      s.mDriverName))
  else
    print("torn: the producer kept writing; trying again")
  end
  pause:wait(200)
end
link:close()
