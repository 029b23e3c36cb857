-- GET recommendations k = 10 for a random known user (ids 1 … 138,493 of the ML-20M shape).
math.randomseed(7)
request = function()
    return wrk.format("GET", "/v1/users/" .. math.random(1, 138493) .. "/recommendations?k=10")
end
