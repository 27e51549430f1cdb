-- dump.lua: dump(value) -> the lines "path=value" of every leaf of a
-- table tree, sorted (numbers as %.17g, arrays as [i]), one string: what
-- bench.lua compares the frame peers' reads with (Lua 5.4 and LuaJIT;
-- bench/frame_ctypes.py writes the same).
return function(value)
  local out = {}
  local function walk(v, path)
    if type(v) == "table" then
      for k, x in pairs(v) do
        walk(x, type(k) == "number" and ("%s[%d]"):format(path, k)
                or (path == "" and k or path .. "." .. k))
      end
    elseif type(v) == "number" then
      out[#out + 1] = ("%s=%.17g"):format(path, v)
    else
      out[#out + 1] = ("%s=%s"):format(path, tostring(v))
    end
  end
  walk(value, "")
  table.sort(out)
  return table.concat(out, "\n")
end
