-- 16 GET requests written at once on each connection; the next batch goes when all 16
-- answers are in (wrk's pipelining). Reports like report.lua.
depth = 16

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local batch

function init(args)
   local one = wrk.format("GET", "/")
   batch = string.rep(one, depth)
end

function request()
   return batch
end
