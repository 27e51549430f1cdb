---@meta winshm
-- LuaLS annotations for winshm (docs/reference.md tells the whole story).
-- Point the language server at this folder ("workspace.library": ["lua/types"]
-- in .luarc.json) to complete shm.*, link methods, views and error fields.

---@class winshm
---@field _VERSION string  the module's version, "x.y.z" (the number in the file VERSION)
local shm = {}

-- ================================================================ types

---A scalar type name, or another layout.
---@alias winshm.scalar
---| "int8_t" | "int16_t" | "int32_t" | "int64_t"
---| "uint8_t" | "uint16_t" | "uint32_t" | "uint64_t"
---| "float" | "double" | "bool" | "char"
---| "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "f32" | "f64"
---| "signed char" | "unsigned char" | "short" | "unsigned short" | "int"
---| "unsigned int" | "unsigned" | "long" | "unsigned long" | "long long"
---| "unsigned long long" | "wchar_t" | "char16_t" | "char32_t"

---@alias winshm.fieldtype winshm.scalar | winshm.layout

---One field entry of a spec: `{ "name", type [, count] [, offset = N] }`.
---`count` is an array length, or `{d1, d2, ...}` for a multi-dimensional
---array (row-major like C).
---@class winshm.fieldspec
---@field [1] string               field name
---@field [2] winshm.fieldtype     scalar type name or layout
---@field [3]? integer|integer[]   array length or dimensions
---@field offset? integer          place the field exactly at this byte

---A layout declaration: an array of field entries plus options.
---@class winshm.spec
---@field [integer] winshm.fieldspec
---@field name? string        type name for messages and tostring
---@field pack? 1|2|4|8|16    cap on member alignment, as #pragma pack(n)
---@field align? integer      minimum alignment of the whole struct
---@field size? integer       explicit total size (>= computed)
---@field abi? "native"|"windows"|"sysv"  sizes of long and wchar_t

---A compiled layout (struct or union).  `tostring(layout)` gives the C
---declaration with each field's offset.
---@class winshm.layout: userdata

---One field as shm.fields describes it.
---@class winshm.fieldinfo
---@field name string
---@field type string             C type name
---@field offset integer          byte offset
---@field size integer            bytes, all elements of an array
---@field count integer           elements (1 for a plain field)
---@field dims? integer[]         array dimensions
---@field layout? winshm.layout   the nested layout of a struct field

---A typed window on a region.  Index it by field name (`view.speed`,
---`view.pos.x`, `arr[i]` 1-based); assigning writes through (range-checked;
---raises on a read-only view).  `#arr`, `ipairs(arr)` and `pairs(view)`
---(declaration order) work.
---@class winshm.view: userdata
---@field [string] any
---@field [integer] any

---Options of the region openers.
---@class winshm.regionopts
---@field size? integer     map/create at least this many bytes
---@field persist? boolean  POSIX: keep the region after its last handle closes
---@field mode? integer     POSIX permissions (default 0x180 = 0600)

---An operating-system failure, returned as the second result (`nil, err`).
---`tostring(err)` is its message.
---@class winshm.error
---@field kind "OpenMapping"|"CreateMapping"|"MapView"|"AlreadyExists"|"SizeTooLarge"|"RegionTooSmall"|"InvalidName"
---@field code string     portable symbol: "ENOENT", "EACCES", "EEXIST", "ENOMEM", "EINVAL", ...
---@field errno integer   the OS number (errno or GetLastError)
---@field name string     the object's name as given
---@field message string

-- ============================================================== layouts

---Declare a struct layout; C compiler rules for the chosen ABI.
---@param spec winshm.spec
---@return winshm.layout
function shm.struct(spec) end

---Declare a union layout: every field at offset 0.
---@param spec winshm.spec
---@return winshm.layout
function shm.union(spec) end

---Size in bytes of a layout or a view.
---@param x winshm.layout|winshm.view
---@return integer
function shm.sizeof(x) end

---Alignment in bytes of a layout.
---@param layout winshm.layout
---@return integer
function shm.alignof(layout) end

---Byte offset of a field; dotted paths reach nested fields ("outer.inner.f").
---@param layout winshm.layout
---@param field string
---@return integer
function shm.offsetof(layout, field) end

---The fields of a layout, in declaration order.
---@param layout winshm.layout
---@return winshm.fieldinfo[]
function shm.fields(layout) end

---Layouts from C declarations: every struct tag and typedef name.
---@param source string     C declarations (struct, union, typedef, #pragma pack)
---@param opts? { abi?: "native"|"windows"|"sysv" }
---@return table<string, winshm.layout>
function shm.cdef(source, opts) end

-- ============================================================== regions

---Create a zero-filled region; fails (AlreadyExists) if the name is taken.
---@param name string                    "game", "Local\\game", "Global\\game"
---@param what winshm.layout|integer     a layout, or a size in bytes
---@param opts? winshm.regionopts
---@return winshm.link|nil link
---@return winshm.error? err
function shm.create(name, what, opts) end

---Open the region if it exists (read-write), else create it.
---@param name string
---@param what winshm.layout|integer
---@param opts? winshm.regionopts
---@return winshm.link|nil link
---@return boolean|winshm.error created  true when this call created it; the error on failure
function shm.get_or_create(name, what, opts) end

---Open an existing region read-only.
---@param name string
---@param what winshm.layout|integer
---@param opts? winshm.regionopts
---@return winshm.link|nil link
---@return winshm.error? err
function shm.open(name, what, opts) end

---Open an existing region read-write.
---@param name string
---@param what winshm.layout|integer
---@param opts? winshm.regionopts
---@return winshm.link|nil link
---@return winshm.error? err
function shm.open_existing(name, what, opts) end

---Remove a region's name (POSIX); its memory goes with its last handle.
---@param name string
---@return true|nil ok
---@return winshm.error? err
function shm.remove(name) end

---One mapped region.  Closes on `close()`, at the end of a `<close>`
---variable's scope, and when collected.  After close every method (and
---every view taken from it) raises "attempt to use a closed link".
---@class winshm.link: userdata
local link = {}

---Read-only view of the link's layout at offset 0.
---@return winshm.view
function link:get() end

---Writable view of the link's layout at offset 0 (raises on a ReadOnly link).
---@return winshm.view
function link:get_mut() end

---View of any layout at a byte offset, bounds-checked.
---@param layout winshm.layout
---@param offset integer
---@param mode? "rw"   writable (ReadWrite links only); read-only otherwise
---@return winshm.view
function link:view(layout, offset, mode) end

---Bytes of the region (default: from 0 to the end).
---@param offset? integer
---@param n? integer
---@return string
function link:read_bytes(offset, n) end

---Write bytes at an offset (raises on a ReadOnly link or out of range).
---@param offset integer
---@param s string
function link:write_bytes(offset, s) end

---Close the link (idempotent).
---@return true
function link:close() end

---The name as given to the opener.
---@return string
function link:name() end

---Bytes mapped.
---@return integer
function link:size() end

---@return "ReadOnly"|"ReadWrite"
function link:access() end

---@return boolean
function link:closed() end

-- ================================================================ views

---Deep copy of a view into plain Lua tables (strings decoded, arrays as
---sequences); with `into` (an earlier result of the same layout) the copy
---refills that table in place and returns it.
---@param view winshm.view
---@param into? table
---@return table
function shm.read(view, into) end

---A function that reads the fields at the given paths ("speed",
---"wheels[2].temp") of a view of `layout` in one call and returns them.
---@param layout winshm.layout
---@param ... string
---@return fun(view: winshm.view): ...
function shm.reader(layout, ...) end

---Deep, partial assignment from a table; validates all of t before writing.
---@param view winshm.view
---@param t table
function shm.write(view, t) end

---What kind of winshm value x is, or nil.
---@param x any
---@return "link"|"closed link"|"view"|"layout"|"mutex"|"event"|nil
function shm.type(x) end

-- ========================================================= coordination

---Options of shm.mutex and shm.event.
---@class winshm.syncopts
---@field mode? integer   POSIX permissions (default 0600)
---@field shared? boolean accept one other users own or may write (POSIX)

---A cross-process named mutex, created if absent.
---@param name string
---@param opts? winshm.syncopts
---@return winshm.mutex|nil mutex
---@return winshm.error? err
function shm.mutex(name, opts) end

---@class winshm.mutex: userdata
local mutex = {}

---Lock, waiting at most timeout_ms (forever without it).  "abandoned": the
---previous owner died holding it; the caller owns it now.
---@param timeout_ms? integer
---@return boolean ok
---@return "abandoned"|"timeout"|nil why
function mutex:lock(timeout_ms) end

---Same as lock(0).
---@return boolean ok
---@return "abandoned"|"timeout"|nil why
function mutex:trylock() end

---@return true
function mutex:unlock() end

---Call fn(...) holding the lock; unlocks even when fn raises (then re-raises).
---@param fn fun(...): ...
---@return ...
function mutex:with(fn, ...) end

function mutex:close() end

---A named auto-reset event, created if absent.
---@param name string
---@param opts? winshm.syncopts
---@return winshm.event|nil event
---@return winshm.error? err
function shm.event(name, opts) end

---@class winshm.event: userdata
local event = {}

---Signal the event: one waiter (or the next one) wakes.
function event:set() end

---Wait for the event, at most timeout_ms (forever without it).
---@param timeout_ms? integer
---@return boolean ok
---@return "timeout"|nil why
function event:wait(timeout_ms) end

function event:close() end

---Atomic load of a naturally aligned 1, 2, 4 or 8-byte integer field.
---@param view winshm.view
---@param field string
---@return integer
function shm.atomic_load(view, field) end

---@param view winshm.view
---@param field string
---@param value integer
function shm.atomic_store(view, field, value) end

---Add delta; returns the old value.
---@param view winshm.view
---@param field string
---@param delta integer
---@return integer old
function shm.atomic_add(view, field, delta) end

---Compare and swap.
---@param view winshm.view
---@param field string
---@param expected integer
---@param new integer
---@return boolean ok
---@return integer old
function shm.atomic_cas(view, field, expected, new) end

---A consistency scheme over counter fields of the layout:
---`{ begin = "f1", ["end"] = "f2" }` (begin/end counters), `{ seq = "f" }`
---(one counter, odd while writing) or `{ check = "f" }` (re-read a counter).
---@class winshm.scheme
---@field begin? string
---@field ["end"] string?
---@field seq? string
---@field check? string
---@field timeout? integer  ms a writer waits for another writer (default 2000)

---A snapshot no writer tore, or nil, "torn" after `tries` attempts.
---@param view winshm.view
---@param scheme winshm.scheme
---@param tries? integer
---@param into? table  an earlier snapshot of the same layout, refilled
---@return table|nil snapshot
---@return integer|"torn" version
function shm.read_consistent(view, scheme, tries, into) end

---Write t (or what fn(view) writes) under the scheme's counters; writers
---of one counter are serialised.  Returns the counter after the write.
---@param view winshm.view
---@param scheme winshm.scheme
---@param t table|fun(view: winshm.view)
---@return integer
function shm.write_consistent(view, scheme, t) end

return shm
