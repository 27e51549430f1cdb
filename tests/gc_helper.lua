-- gc_helper.lua: loaded before the specs by the sanitizer and valgrind
-- runs (busted --helper).  The collector never rests, so a userdata that
-- loses its last reference is collected at once and a missing anchor
-- (a view outliving its link, a string used after its owner went away)
-- shows up as a use-after-free under the sanitizers.
collectgarbage("incremental", 0, 100, 10)  -- pause 0: a new cycle at once
