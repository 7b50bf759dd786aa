-- Touchpoints (spec §5.2-§5.4) from the golden upstream rows: users_current gives the onboard events
-- (101 on 02-20, 202 and 303 on 2025-12-01); each swap a swap_signed event at its signature and, filled, a
-- swap_filled event at first_fill_at with its amount; each topup a topup event; Mixpanel rows keep
-- is_production = 1 and is_identified = 1 of users in the bridge. Dropped: the non-production and the
-- anonymous 101 pageviews (03-09 12:00, 13:00) and every row of 0x...dead (not in users_current).
-- Mixed-case addresses (0x...A101, 0x...B202) join via lower(). Chain rows have NULL Mixpanel columns.
SELECT event_date, event_ts, event_kind, event_source, event_subkind, amount_usd, provenance_model, device_type
FROM int_execution_gnosis_app_user_events_unified
ORDER BY event_ts, event_kind
