-- winshm.cdef.types -- scalar types of shm.cdef: C specifier words to the
-- names shm.struct takes, sizes by ABI, and the typedef names every header
-- may use without declaring them (stdint.h, stddef.h, windows.h).
local T = {}

-- Size of each scalar name shm.struct knows; long, unsigned long and
-- wchar_t depend on the ABI.  Alignment is the size (x86-64, both ABIs).
local sizes = {
  int8_t = 1, uint8_t = 1, int16_t = 2, uint16_t = 2, int32_t = 4,
  uint32_t = 4, int64_t = 8, uint64_t = 8, float = 4, double = 8, bool = 1,
  char = 1, ["signed char"] = 1, ["unsigned char"] = 1, short = 2,
  ["unsigned short"] = 2, int = 4, ["unsigned int"] = 4, ["long long"] = 8,
  ["unsigned long long"] = 8, char16_t = 2, char32_t = 4,
}

function T.size(name, abi)
  if name == "long" or name == "unsigned long" then
    return abi == "windows" and 4 or 8
  elseif name == "wchar_t" then
    return abi == "windows" and 2 or 4
  end
  return sizes[name]
end

local unsigned = {
  uint8_t = true, uint16_t = true, uint32_t = true, uint64_t = true,
  bool = true, ["unsigned char"] = true, ["unsigned short"] = true,
  ["unsigned int"] = true, ["unsigned long"] = true,
  ["unsigned long long"] = true, char16_t = true, char32_t = true,
}
function T.unsigned(name) return unsigned[name] == true end

local integer = { float = false, double = false }
function T.integer(name) return integer[name] == nil end

-- The pointer size of x86-64 (both ABIs); a pointer is this integer.
T.pointer = "uint64_t"

-- Specifier words (in any order) -> scalar name, or nil, message.
local bases = {
  char = "char", int = "int", float = "float", double = "double",
  bool = "bool", _Bool = "bool", void = "void", wchar_t = "wchar_t",
  char16_t = "char16_t", char32_t = "char32_t", __int8 = "int8_t",
  __int16 = "int16_t", __int32 = "int32_t", __int64 = "int64_t",
}
local signable = { char = true, int = true, int8_t = true, int16_t = true,
                   int32_t = true, int64_t = true }

function T.fromwords(words)
  local n = { signed = 0, unsigned = 0, short = 0, long = 0 }
  local base
  for _, w in ipairs(words) do
    if n[w] then
      n[w] = n[w] + 1
    elseif base then
      return nil, ("two data types in '%s'"):format(table.concat(words, " "))
    else
      base = bases[w]
    end
  end
  local spelled = table.concat(words, " ")
  local sign = n.signed + n.unsigned
  if sign > 1 or n.short > 1 or n.long > 2 or (n.short > 0 and n.long > 0)
     or (sign > 0 and base and not signable[base])
     or ((n.short > 0 or n.long > 0) and base and base ~= "int"
         and not (base == "double" and n.long == 1)) then
    return nil, ("invalid type '%s'"):format(spelled)
  end
  if base == "double" and n.long == 1 then
    return nil, "long double is not supported"
  end
  local u = n.unsigned > 0
  if base == "char" then
    return n.signed > 0 and "signed char" or u and "unsigned char" or "char"
  elseif base and base ~= "int" then
    if u then return (base:gsub("^int", "uint")) end
    return base
  end
  local core = n.short > 0 and "short" or n.long == 2 and "long long"
               or n.long == 1 and "long" or "int"
  if u then return core == "int" and "unsigned int" or "unsigned " .. core end
  return core
end

-- Typedef names known without a declaration (a header may redefine them).
T.predefined = {
  int8_t = "int8_t", int16_t = "int16_t", int32_t = "int32_t",
  int64_t = "int64_t", uint8_t = "uint8_t", uint16_t = "uint16_t",
  uint32_t = "uint32_t", uint64_t = "uint64_t", size_t = "uint64_t",
  ssize_t = "int64_t", ptrdiff_t = "int64_t", intptr_t = "int64_t",
  uintptr_t = "uint64_t",
  -- the short names shm.struct takes
  i8 = "int8_t", i16 = "int16_t", i32 = "int32_t", i64 = "int64_t",
  u8 = "uint8_t", u16 = "uint16_t", u32 = "uint32_t", u64 = "uint64_t",
  f32 = "float", f64 = "double",
  -- windows.h
  BYTE = "uint8_t", BOOLEAN = "uint8_t", CHAR = "char", UCHAR = "uint8_t",
  WCHAR = "char16_t", WORD = "uint16_t", SHORT = "int16_t",
  USHORT = "uint16_t", INT = "int32_t", UINT = "uint32_t", BOOL = "int32_t",
  LONG = "int32_t", ULONG = "uint32_t", DWORD = "uint32_t",
  LONGLONG = "int64_t", ULONGLONG = "uint64_t", DWORD64 = "uint64_t",
  INT8 = "int8_t", INT16 = "int16_t", INT32 = "int32_t", INT64 = "int64_t",
  UINT8 = "uint8_t", UINT16 = "uint16_t", UINT32 = "uint32_t",
  UINT64 = "uint64_t", FLOAT = "float", DOUBLE = "double",
  HANDLE = "uint64_t", PVOID = "uint64_t", LPVOID = "uint64_t",
  SIZE_T = "uint64_t",
}

-- Macros every source sees, by ABI.
T.predefined_macros = {
  windows = { "_WIN32", "_WIN64", "__x86_64__" },
  sysv = { "__linux__", "__unix__", "__x86_64__" },
}

return T
