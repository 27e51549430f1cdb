-- pagefill.lua: fill(shm, view, layout, seq): every value of a view of a
-- page set to one of its own (numbers counting up, exact in a float;
-- booleans alternating; each string naming its field), so a reader that
-- misses or mixes up a field gives a different table.  The counter seq
-- is left at 0 (even: no write running).  For bench.lua and cg.lua.
return function(shm, v, layout, seq)
  local n, struct = 0, nil
  local function value(f)
    n = n + 1
    local t = f.type
    if t == "char" then return ("%s %d"):format(f.name, n) end
    if t == "bool" then return n % 2 == 0 end
    if t == "float" or t == "double" then return n + 0.25 end
    if t == "uint8_t" or t == "int8_t" then return n % 100 end
    return n
  end
  local function level(f, d)
    local dims = f.dims or (f.count > 1 and { f.count }) or {}
    if (f.type == "char" and d == #dims) or d > #dims then
      return f.layout and struct(f.layout) or value(f)
    end
    local t = {}
    for i = 1, dims[d] do t[i] = level(f, d + 1) end
    return t
  end
  function struct(lay)
    local t = {}
    for _, f in ipairs(shm.fields(lay)) do t[f.name] = level(f, 1) end
    return t
  end
  local page = struct(layout)
  page[seq] = 0
  shm.write(v, page)
end
