-- The versioned telemetry block shared by producer.lua and reader.lua,
-- in the manner of rFactor 2's shared memory: two version counters
-- around the data.  A writer bumps mVersionUpdateBegin, writes, then sets
-- mVersionUpdateEnd; a reader's copy is good when they agree around it.
local shm = require "winshm"

local Vec3 = shm.struct {
  name = "Vec3",
  { "x", "double" }, { "y", "double" }, { "z", "double" },
}

local Telemetry = shm.struct {
  name = "Telemetry",
  { "mVersionUpdateBegin", "uint32_t" },
  { "mVersionUpdateEnd", "uint32_t" },
  { "mFrame", "uint32_t" },
  { "mElapsedTime", "double" },
  { "mSpeed", "double" },         -- m/s
  { "mEngineRPM", "double" },
  { "mGear", "int32_t" },
  { "mPos", Vec3 },
  { "mTyreTemp", "float", 4 },    -- FL FR RL RR, Celsius
  { "mDriverName", "char", 32 },
}

return {
  Telemetry = Telemetry,
  scheme = { begin = "mVersionUpdateBegin", ["end"] = "mVersionUpdateEnd" },
  name = "Local\\winshm_telemetry",
}
