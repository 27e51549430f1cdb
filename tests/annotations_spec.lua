-- lua/types/winshm.lua (the LuaLS annotations) declares every function of
-- the module and every method of a link, so editors complete them all.
local shm = require "winshm"

local function meta_text()
  local f = assert(io.open("lua/types/winshm.lua", "rb"))
  local s = f:read("a")
  f:close()
  return s
end

describe("LuaLS annotations", function()
  local text = meta_text()

  it("are a ---@meta file", function()
    assert.matches("^%-%-%-@meta winshm\n", text)
  end)

  it("declare every public function of the module", function()
    local missing = {}
    for k, v in pairs(shm) do
      if type(v) == "function" and not k:match("^_")
         and not text:find("\nfunction shm%." .. k .. "%(") then
        missing[#missing + 1] = k
      end
    end
    table.sort(missing)
    assert.same({}, missing)
  end)

  it("declare every method of a link", function()
    local l = assert(shm.create(("wshm_annot_%d_%d"):format(os.time(), math.random(1e9)), 8))
    local methods = getmetatable(l).__index
    local missing = {}
    for k in pairs(methods) do
      if not text:find("\nfunction link:" .. k .. "%(") then missing[#missing + 1] = k end
    end
    l:close()
    table.sort(missing)
    assert.same({}, missing)
  end)

  it("declare every field of an error", function()
    local _, err = shm.open(("wshm_annot_absent_%d"):format(math.random(1e9)), 1)
    for k in pairs(err) do
      assert.truthy(text:find("---@field " .. k .. " ", 1, true), k)
    end
  end)
end)
