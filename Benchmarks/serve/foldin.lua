-- POST fold-in recommendations, k = 10, 50 distinct random items (ids 1 … 26,744) with values
-- 1 … 5: 200 bodies drawn before the run.
math.randomseed(7)
local bodies = {}
for b = 1, 200 do
    local seen, parts = {}, {}
    while #parts < 50 do
        local item = math.random(1, 26744)
        if not seen[item] then
            seen[item] = true
            parts[#parts + 1] = string.format('{"item":"%d","value":%d}', item, math.random(1, 5))
        end
    end
    bodies[b] = '{"interactions":[' .. table.concat(parts, ",") .. '],"k":10}'
end
local n = 0
request = function()
    n = n % #bodies + 1
    return wrk.format("POST", "/v1/recommendations", {["Content-Type"] = "application/json"}, bodies[n])
end
