-- page.lua: a telemetry page of about 220 values in about 1.5 KB, modelled
-- on the physics pages racing games publish (per-wheel structs, vectors,
-- lap timing, damage, a few names).  The frame benchmarks and
-- tests/frame_spec.lua read it.
local shm = require "winshm"

local Vec3 = shm.struct { name = "Vec3", { "x", "float" }, { "y", "float" }, { "z", "float" } }

local Wheel = shm.struct { name = "Wheel",
  { "slip", "float" }, { "load", "float" }, { "pressure", "float" },
  { "angular_speed", "float" }, { "wear", "float" }, { "dirt", "float" },
  { "core_temp", "float" }, { "camber", "float" }, { "travel", "float" },
  { "temp", "float" }, { "brake_temp", "float" }, { "tyre_temp", "float", 3 },
  { "contact_point", Vec3 }, { "contact_normal", Vec3 }, { "contact_heading", Vec3 },
  { "ride_height", "float" }, { "toe", "float" }, { "pad_life", "float" },
  { "disc_life", "float" }, { "out_of_track", "uint8_t" }, { "flat", "bool" },
  { "compound", "uint16_t" },
}

local Lap = shm.struct { name = "Lap",
  { "current_ms", "int32_t" }, { "last_ms", "int32_t" }, { "best_ms", "int32_t" },
  { "sectors", "float", 3 }, { "position", "int32_t" }, { "laps", "int32_t" },
  { "distance", "float" }, { "in_pit", "bool" }, { "flag", "int32_t" },
  { "penalty_ms", "int32_t" }, { "delta", "float" },
}

return shm.struct { name = "Page",
  { "packet", "int32_t" }, { "gas", "float" }, { "brake", "float" },
  { "clutch", "float" }, { "fuel", "float" }, { "gear", "int32_t" },
  { "rpm", "int32_t" }, { "steer", "float" }, { "speed", "float" },
  { "velocity", Vec3 }, { "local_velocity", Vec3 }, { "acc_g", Vec3 },
  { "angular_velocity", Vec3 }, { "heading", "float" }, { "pitch", "float" },
  { "roll", "float" }, { "cg_height", "float" }, { "damage", "float", 5 },
  { "drs", "float" }, { "tc", "float" }, { "abs", "float" }, { "kers", "float" },
  { "boost", "float" }, { "ballast", "float" }, { "air_density", "float" },
  { "air_temp", "float" }, { "road_temp", "float" }, { "wheels", Wheel, 4 },
  { "lap", Lap }, { "pit_limiter", "bool" }, { "ignition", "bool" },
  { "engine_brake", "int32_t" }, { "ers_level", "int32_t" },
  { "driver", "char", 64 }, { "car", "char", 64 }, { "track", "char", 32 },
  { "brake_bias", "float" }, { "water_temp", "float" }, { "oil_temp", "float" },
  { "turbo", "float", 2 }, { "suspension_damage", "float", 4 },
  { "tyre_compound", "char", 32 }, { "session_time", "double" },
  { "session_left", "double" }, { "wind", Vec3 }, { "graphics", "int32_t", 32 },
  { "car_coordinates", Vec3, 5 },
}
