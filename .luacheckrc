-- luacheck configuration: `make lint` checks lua/, tests/ and examples/.
std = "lua54"
max_line_length = 120
self = false         -- methods need not use their implicit self
codes = true

-- The specs run under busted (describe, it, assert, spy, ...).  They hold
-- links open with `local k <close> = ...` (luacheck does not know <close>,
-- so k, k1, ... count as unused), drop references before collectgarbage()
-- with `v = nil`, and may shadow names in helpers.
files["tests/"] = {
  std = "+busted",
  ignore = { "211/k%d*", "311", "421", "431" },
  unused_secondaries = false,
}
files["**/*_spec.lua"] = { std = "+busted" }

-- C source generated from Lua strings.
files["tests/compiler/"] = { max_line_length = false }

-- Fuzz drivers run inside the fuzzing harness, which gives them these.
files["tests/fuzz/"] = { read_globals = { "fuzz", "DRIVER_DIR" } }

-- LuaLS annotations: declarations only, their parameters are documentation.
files["lua/types/"] = { unused_args = false, unused = false, max_line_length = false }

-- Generated or copied in by the builds.
exclude_files = { "build/", "lua_modules/", ".luarocks/" }
