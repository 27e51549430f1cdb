-- desc.lua: read the description bench/describe.lua prints (plain Lua,
-- for Lua 5.4 and LuaJIT alike).  Returns function(text) -> structs, a
-- list in declaration order (nested structs first, the page last), each
-- { name =, size =, fields = { { name =, type =, offset =, dims = {...},
-- struct = <the struct, when the type is one> }, ... } }.
return function(text)
  local structs, byname, cur = {}, {}, nil
  for line in text:gmatch("[^\n]+") do
    local name, size = line:match("^struct ([%w_]+) (%d+)$")
    if name then
      cur = { name = name, size = tonumber(size), fields = {} }
    elseif line == "end" then
      structs[#structs + 1], byname[cur.name], cur = cur, cur, nil
    else
      local fname, ftype, off, dims = line:match("^([%w_]+) ([%w_]+) (%d+)(.*)$")
      assert(cur and fname, "bad description line: " .. line)
      local f = { name = fname, type = ftype, offset = tonumber(off), dims = {},
                  struct = byname[ftype] }
      for d in dims:gmatch("%d+") do f.dims[#f.dims + 1] = tonumber(d) end
      cur.fields[#cur.fields + 1] = f
    end
  end
  assert(#structs > 0 and cur == nil, "incomplete description")
  return structs
end
