-- cases.lua -- hand-written layouts known to be tricky, as gen.lua nodes.
-- cases(abi, prefix) -> list of nodes.
return function(abi, prefix)
  local list = {}
  local function node(kind, name, fields, opts)
    local n = { kind = kind, name = prefix .. name, abi = abi, fields = {} }
    for i, f in ipairs(fields) do
      n.fields[i] = { name = f[1], type = f[2], count = f[3], gap = f.gap, skew = f.skew }
    end
    for k, v in pairs(opts or {}) do n[k] = v end
    return n
  end
  local function struct(name, fields, opts)
    local n = node("struct", name, fields, opts)
    list[#list + 1] = n
    return n
  end
  local function union(name, fields, opts)
    local n = node("union", name, fields, opts)
    list[#list + 1] = n
    return n
  end

  -- bool is one byte: padding after it up to the next member's alignment
  struct("bools", { { "a", "bool" }, { "d", "double" }, { "b", "bool" },
                    { "i", "int" }, { "c", "bool" }, { "bs", "bool", 3 } })
  -- character arrays followed by wider members
  struct("names", { { "name", "char", 13 }, { "d", "double" }, { "tag", "char", 3 },
                    { "f", "float" }, { "w", "wchar_t", 5 }, { "d2", "f64" },
                    { "u16s", "char16_t", 3 }, { "q", "u64" } })
  -- unions of arrays: the widest array and the strictest alignment win
  local ua = union("arrays", { { "bytes", "u8", 7 }, { "halves", "u16", 3 },
                               { "d", "double", 2 }, { "text", "char", 33 } })
  struct("holds_union", { { "c", "char" }, { "u", ua }, { "c2", "char" },
                          { "us", ua, 2 } })
  -- pack(1) around naturally aligned nested structs (and the other way round)
  local inner = struct("inner", { { "c", "char" }, { "i", "int" }, { "d", "double" } })
  struct("packed_outer", { { "c", "char" }, { "s", inner }, { "c2", "char" },
                           { "s2", inner, 2 }, { "l", "long" } }, { pack = 1 })
  local p1 = struct("packed_inner", { { "c", "char" }, { "d", "double" },
                                      { "s", "short" } }, { pack = 1 })
  struct("natural_outer", { { "c", "char" }, { "p", p1 }, { "i", "i32" },
                            { "ps", p1, 3 }, { "d", "double" } })
  -- align larger than any member, alone and as a member
  local a32 = struct("align32", { { "a", "char" }, { "b", "short" } }, { align = 32 })
  struct("holds_align32", { { "c", "char" }, { "x", a32 }, { "xs", a32, 2 },
                            { "tail", "char" } })
  -- pack smaller than a nested struct's alignment (its own align included)
  local a16 = struct("align16", { { "d", "double" }, { "c", "char" } }, { align = 16 })
  struct("pack2_nested", { { "c", "char" }, { "x", a16 }, { "y", inner },
                           { "z", a32 } }, { pack = 2 })
  struct("pack1_align8", { { "c", "char" }, { "x", node("struct", "a8c",
    { { "c", "char" } }, { align = 8 }) } }, { pack = 1 })
  -- pack larger than needed changes nothing
  struct("pack16", { { "c", "char" }, { "d", "double" }, { "s", "short" } }, { pack = 16 })
  -- pack(4): 8-byte members at 4-byte offsets
  struct("telemetry4", { { "version", "int32_t" }, { "time", "double" },
                         { "ticks", "uint64_t" }, { "gear", "char" }, { "lap", "int64_t" },
                         { "driver", "wchar_t", 33 }, { "speed", "double" },
                         { "laps", "long", 2 }, { "fuel", "float" } }, { pack = 4 })
  -- pack together with align on the same struct
  struct("pack2_align16", { { "c", "char" }, { "i", "int" } }, { pack = 2, align = 16 })
  -- explicit size: tail padding, with and without align
  struct("sized", { { "a", "int" }, { "b", "char" } }, { extra = 3 })
  struct("sized_aligned", { { "a", "double" }, { "b", "char" } }, { extra = 1, align = 32 })
  union("sized_union", { { "a", "int" }, { "b", "char", 5 } }, { extra = 2 })
  -- multi-dimensional arrays of scalars and of structs
  struct("grid", { { "c", "char" }, { "m", "float", { 3, 4 } }, { "cube", "i16", { 2, 3, 2 } },
                   { "cells", inner, { 2, 2 } }, { "b", "bool", { 2, 1 } } })
  -- structs inside unions inside structs
  local su = union("s_in_u", { { "x", inner }, { "y", p1 }, { "z", "u64" } })
  struct("u_in_s", { { "tag", "u8" }, { "v", su }, { "after", "char" } })
  -- explicit offsets (aligned), later fields continue after them
  struct("offsets", { { "a", "char" }, { "b", "int", gap = 2 }, { "c", "char" },
                      { "d", "double" } })
  struct("offset_first", { { "a", "double", gap = 1 }, { "b", "char" } })
  struct("offset_unaligned", { { "a", "char" }, { "b", "u32", gap = 0, skew = 2 },
                               { "c", "double" }, { "d", "u16", 3 } })
  struct("offset_unaligned_nested", { { "a", "u16" }, { "s", inner, gap = 1, skew = 1 },
                                      { "b", "char" } })
  -- union members at explicit offsets: reverse-engineered overlays
  union("overlay", { { "raw", "u8", 16 }, { "speed", "float", gap = 2 },
                     { "flags", "u32", gap = 1, skew = 1 }, { "d", "double" } })
  -- every C spelling once, in an order that needs padding
  struct("spellings", { { "a", "signed char" }, { "b", "unsigned long long" },
                        { "c", "unsigned char" }, { "d", "long long" }, { "e", "short" },
                        { "f", "unsigned" }, { "g", "unsigned short" }, { "h", "unsigned int" },
                        { "i", "long" }, { "j", "unsigned long" }, { "k", "char32_t" },
                        { "l", "wchar_t" }, { "m", "char16_t" }, { "n", "bool" } })
  return list
end
