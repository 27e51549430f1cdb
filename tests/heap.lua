-- heap.lua: growth(n, body) -> the bytes the Lua heap grew by over n calls
-- body(1) .. body(n), the collector stopped.  body(0) runs once first,
-- after the full collection: that collection shrinks the Lua stack, which
-- the first read of a deeply nested layout then grows again.
return function(n, body)
  collectgarbage("collect")
  collectgarbage("stop")
  body(0)
  local before = collectgarbage("count")
  for i = 1, n do body(i) end
  local after = collectgarbage("count")
  collectgarbage("restart")
  return (after - before) * 1024
end
