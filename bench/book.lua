-- wrk script for `make bench`: POST the booking form to a stream of distinct free times.
--
-- bench/run.py fetched the form once (its CSRF cookie and token, and the signed start time)
-- and wrote BENCH_BOOK_DATA, a Lua file returning {paths, headers, body, phone_base}. Each
-- request books the next free time (threads take turns through the list, so no time is asked
-- for twice) for a patron with a phone number of their own (the limit of upcoming bookings per
-- phone would refuse a fourth). Every answer is counted: a success is the confirmation page
-- (200 with the private link the page puts in the address bar); anything else is an error.

local data = dofile(os.getenv("BENCH_BOOK_DATA"))
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_count = tonumber(args[1])
  counter = 0
  statuses = {}
end

function request()
  local i = id + counter * thread_count + 1
  counter = counter + 1
  if i > #data.paths then
    -- Out of free times: stop rather than ask for one twice.
    wrk.thread:stop()
    i = #data.paths
  end
  local body = data.body .. string.format("&phone=%%2B35840%07d", (data.phone_base + i) % 10000000)
  return wrk.format("POST", data.paths[i], data.headers, body)
end

function response(status, headers, body)
  local outcome = tostring(status)
  if status == 200 and string.find(body, "data-address=", 1, true) then
    outcome = "booked"
  end
  statuses[outcome] = (statuses[outcome] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  io.write("STATUSES")
  for status, count in pairs(total) do
    io.write(string.format(" %s=%d", status, count))
  end
  io.write("\n")
end
