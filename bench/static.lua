-- One fixed GET (the URL given to wrk): no request() hook, so wrk sends its precomputed request.
done = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")
