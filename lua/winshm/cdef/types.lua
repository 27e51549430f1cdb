-- winshm.cdef.types -- scalar types of shm.cdef: C specifier words to the
-- names shm.struct takes, the typedef names every header may use without
-- declaring them (stdint.h, stddef.h, time.h, windows.h, tchar.h), and
-- the macros each ABI predefines.  Sizes are not here: they come from
-- shm._scalars, the table shm.struct lays out by (build.lua holds it as
-- self.scalars); only what is cdef's own business is: pointers are 4
-- bytes under "win32" and 8 under "windows" and "sysv".
local T = {}

T.abis = { windows = true, win32 = true, sysv = true }

-- The integer a pointer is, and its signed twin, by ABI.
function T.pointer(abi) return abi == "win32" and "uint32_t" or "uint64_t" end
function T.spointer(abi) return abi == "win32" and "int32_t" or "int64_t" end

-- Whether the scalar 'name' is a signed integer under abi (C's rules:
-- char is signed on x86, wchar_t is int under SysV, unsigned short under
-- Windows), an integer at all.
function T.signed(scalars, name, abi)
  local k = scalars[name].kind
  if k == "int" or k == "char" then return true end
  if name == "wchar_t" then return abi == "sysv" end
  return false
end
function T.integer(scalars, name)
  local s = scalars[name]
  return s ~= nil and s.kind ~= "float" and s.kind ~= "double"
end

-- Specifier words (in any order) -> scalar name, or nil, message.
local bases = {
  char = "char", int = "int", float = "float", double = "double",
  bool = "bool", _Bool = "bool", void = "void", wchar_t = "wchar_t",
  char16_t = "char16_t", char32_t = "char32_t", char8_t = "unsigned char",
  __int8 = "int8_t", __int16 = "int16_t", __int32 = "int32_t", __int64 = "int64_t",
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
    return nil, "long double is not supported: its size differs between compilers"
      .. " (declare it as a byte array of the size the game uses)"
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

-- Typedef names known without a declaration (a header may redefine
-- them): a scalar name, or "tchar" for a type a macro switches (see
-- T.switched: TCHAR is char16_t when UNICODE is defined, else char).
local fixed = {
  int8_t = "int8_t", int16_t = "int16_t", int32_t = "int32_t",
  int64_t = "int64_t", uint8_t = "uint8_t", uint16_t = "uint16_t",
  uint32_t = "uint32_t", uint64_t = "uint64_t",
  -- the short names shm.struct takes, and those of Unreal-style SDKs
  i8 = "int8_t", i16 = "int16_t", i32 = "int32_t", i64 = "int64_t",
  u8 = "uint8_t", u16 = "uint16_t", u32 = "uint32_t", u64 = "uint64_t",
  f32 = "float", f64 = "double",
  int8 = "int8_t", int16 = "int16_t", int32 = "int32_t", int64 = "int64_t",
  uint8 = "uint8_t", uint16 = "uint16_t", uint32 = "uint32_t", uint64 = "uint64_t",
  -- time.h: 64-bit (32-bit under "win32" when _USE_32BIT_TIME_T is
  -- defined, as MSVC has it)
  time_t = "time_t", __time64_t = "int64_t", __time32_t = "int32_t",
  -- windows.h
  BYTE = "uint8_t", BOOLEAN = "uint8_t", CHAR = "char", CCHAR = "char",
  UCHAR = "uint8_t", WCHAR = "char16_t", WORD = "uint16_t", SHORT = "int16_t",
  USHORT = "uint16_t", ATOM = "uint16_t", LANGID = "uint16_t",
  INT = "int32_t", UINT = "uint32_t", BOOL = "int32_t", LONG = "int32_t",
  ULONG = "uint32_t", DWORD = "uint32_t", HRESULT = "int32_t",
  LCID = "uint32_t", COLORREF = "uint32_t", LONG32 = "int32_t",
  ULONG32 = "uint32_t", DWORD32 = "uint32_t", INT32 = "int32_t",
  UINT32 = "uint32_t", LONGLONG = "int64_t", ULONGLONG = "uint64_t",
  DWORDLONG = "uint64_t", DWORD64 = "uint64_t", LONG64 = "int64_t",
  ULONG64 = "uint64_t", INT64 = "int64_t", UINT64 = "uint64_t",
  INT8 = "int8_t", INT16 = "int16_t", UINT8 = "uint8_t", UINT16 = "uint16_t",
  FLOAT = "float", DOUBLE = "double", USN = "int64_t",
  TCHAR = "tchar", _TCHAR = "tchar",
}
local pointer_sized = [[size_t uintptr_t SIZE_T ULONG_PTR DWORD_PTR UINT_PTR
  WPARAM HANDLE HWND HMODULE HINSTANCE HKEY HDC HGLOBAL HLOCAL HMENU HICON
  HCURSOR HBRUSH HPEN HFONT HBITMAP HRGN HMONITOR HGDIOBJ HRSRC HHOOK HDESK
  HWINSTA HKL HACCEL HPALETTE HGLRC HDROP HRAWINPUT HMMIO FARPROC PROC PVOID
  LPVOID LPCVOID LPSTR LPCSTR LPWSTR LPCWSTR LPTSTR LPCTSTR PSTR PCSTR PWSTR
  PCWSTR PCHAR PBYTE LPBYTE PWORD LPWORD PDWORD LPDWORD PLONG LPLONG PINT
  LPINT PUINT PULONG PBOOL LPBOOL PHANDLE LPHANDLE PSIZE_T]]
local signed_pointer = [[ssize_t ptrdiff_t intptr_t SSIZE_T LONG_PTR INT_PTR
  LPARAM LRESULT]]

-- The predefined typedefs for abi: name -> scalar name (or "tchar").
function T.predefined(abi)
  local t = {}
  for k, v in pairs(fixed) do t[k] = v end
  t.time_t = abi == "win32" and "tchar" or "int64_t"
  for w in pointer_sized:gmatch("%S+") do t[w] = T.pointer(abi) end
  for w in signed_pointer:gmatch("%S+") do t[w] = T.spointer(abi) end
  return t
end

-- Typedefs that a macro switches: the macro, the type without it and with.
T.switched = { TCHAR = { "UNICODE", "char", "char16_t" },
               _TCHAR = { "_UNICODE", "char", "char16_t" },
               time_t = { "_USE_32BIT_TIME_T", "int64_t", "int32_t" } }

-- Macros every source sees, by ABI, as the compilers that build for it
-- define them (and windows.h's few constants that data declarations use).
local windows_h = { MAX_PATH = "260", TRUE = "1", FALSE = "0" }
T.predefined_macros = {
  windows = { _WIN32 = "1", _WIN64 = "1", WIN32 = "1", _M_X64 = "100",
              _M_AMD64 = "100", _AMD64_ = "1", __x86_64__ = "1", __x86_64 = "1" },
  win32 = { _WIN32 = "1", WIN32 = "1", _M_IX86 = "600", _X86_ = "1",
            __i386__ = "1", __i386 = "1" },
  sysv = { __linux__ = "1", __linux = "1", __gnu_linux__ = "1", __unix__ = "1",
           __unix = "1", __x86_64__ = "1", __x86_64 = "1", __LP64__ = "1", _LP64 = "1" },
}
for _, abi in ipairs { "windows", "win32" } do
  for k, v in pairs(windows_h) do T.predefined_macros[abi][k] = v end
end

return T
