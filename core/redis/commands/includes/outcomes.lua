--[[
  Outcome numbers, mirrored by the Outcome enum in core/scan/outcomes.ts (the events stream
  and the script's replies carry these numbers).
]]
local OUTCOME_WON = 1
local OUTCOME_NO_PRIZE = 2
local OUTCOME_ALREADY_REDEEMED = 3
local OUTCOME_NOT_ACTIVATED = 4
local OUTCOME_CAMPAIGN_NOT_STARTED = 5
local OUTCOME_CAMPAIGN_ENDED = 6
local OUTCOME_LIMIT_REACHED = 7
local OUTCOME_HELD = 8
local OUTCOME_BLOCKED = 9
