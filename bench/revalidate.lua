-- Conditional GET: every request carries If-None-Match with the ETag given after `--`, so a correct
-- server answers 304 Not Modified with no body. Static request, precomputed by wrk.
done = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")

function init(args)
  assert(args[1], "usage: wrk -s revalidate.lua URL -- ETAG")
  wrk.headers["If-None-Match"] = args[1]
end
