-- Conversions (spec §5.5): three topups and three filled swaps of bridge users (0x...dead's are dropped);
-- conversion_token = token_bought_symbol for topups, NULL for swaps. Dedup keys against the spec §2.6 vectors:
-- 303's topup is transaction 0xdeadbeef, log 7: cityHash64('topup', '0xdeadbeef', '7') = 6400394557973984225;
-- 202's golden swap is order 0xuid: cityHash64('swap_filled', '0xuid') = 16154180507864089369.
SELECT conversion_date, conversion_ts, conversion_kind, conversion_amount_usd, conversion_token, provenance_model,
       if(conversion_ts IN (toDateTime('2026-03-11 00:00:00', 'UTC'), toDateTime('2026-03-12 00:00:00', 'UTC')),
          toString(conversion_dedup_key), '-') AS dedup_key_vector
FROM int_execution_gnosis_app_conversions
ORDER BY conversion_ts, conversion_kind
