-- GET a list of paths, one per line in the file given after `--`, cycled per request. Each thread starts
-- at a different offset so the threads do not walk the list in lockstep. Requests are formatted once.
-- Used for /estimate and /embed/wage-range with varied parameters, and for the mixed 512-connection run.
done = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")

local counter = 0
function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

local requests = {}
local n, i = 0, 0

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open path list " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then
      n = n + 1
      requests[n] = wrk.format("GET", line)
    end
  end
  file:close()
  assert(n > 0, "empty path list")
  i = ((tonumber(thread_id) or 0) * 7919) % n
end

function request()
  i = i % n + 1
  return requests[i]
end
