-- The GameState layout shared by writer.lua and reader.lua.
local shm = require "winshm"

local Vec3 = shm.struct {
  name = "Vec3",
  { "x", "float" }, { "y", "float" }, { "z", "float" },
}

return shm.struct {
  name = "GameState",
  { "frame",  "uint64_t" },
  { "pos",    Vec3 },
  { "health", "int32_t" },
  { "alive",  "bool" },
  { "player", "char", 32 },
  { "scores", "uint16_t", 4 },
}
