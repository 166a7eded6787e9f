-- GET /estimate (or another path given as args[1]) with a parameter combination that is different on
-- every request of the run, so a response cache keyed by the query never hits. args[2] is the start
-- offset: the warm-up uses a different range than the measured run. Request n of thread t uses
-- k = offset + n * threads + t; (years, hours_per_year, retirement_match_pct) is unique for k < 20.6e6.
done = dofile((os.getenv("BENCH_DIR") or "bench") .. "/report.lua")

local counter = 0
function setup(thread)
  thread:set("thread_id", counter)
  counter = counter + 1
end

local certs = { "none", "CPC", "CCS", "RHIT", "CPC,CCS" }
local educations = { "certificate", "associate", "bachelor" }
local states = { "NJ", "DC", "CA", "NY", "MA", "TX", "FL", "WA" }
local specialties = { "inpatient", "outpatient" }
local path, offset, step, k = "/estimate", 0, 1, 0

function init(args)
  path = args[1] or path
  offset = tonumber(args[2] or "0")
  step = tonumber(args[3] or "2")
  k = offset + (tonumber(thread_id) or 0)
end

function request()
  local years = k % 51
  local hours = 1 + math.floor(k / 51) % 4000
  local match = math.floor(k / 204000) % 101
  local q = string.format(
    "%s?years=%d&certifications=%s&education=%s&state=%s&specialty=%s&hours_per_year=%d" ..
    "&retirement_match_pct=%d.%d",
    path, years, certs[k % #certs + 1], educations[k % #educations + 1], states[k % #states + 1],
    specialties[k % #specialties + 1], hours, math.floor(match / 10), match % 10)
  k = k + step
  return wrk.format("GET", q)
end
