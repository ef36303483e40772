-- Rotates over the request paths listed in a file (one per line), with a session cookie.
--   wrk -s bench/wrk/rotate.lua http://127.0.0.1:PORT -- PATHS_FILE "sessionid=..."
-- Each wrk thread starts at its own place in the list, so that threads ask for different
-- customers at the same moment, as people at different desks do.

local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("number", threads)
end

local paths = {}
local next_index = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      paths[#paths + 1] = line
    end
  end
  wrk.headers["Cookie"] = args[2]
  next_index = ((number or 1) - 1) * 7919 % #paths
end

function request()
  next_index = next_index % #paths + 1
  return wrk.format("GET", paths[next_index])
end
