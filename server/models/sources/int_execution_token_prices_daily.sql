-- source: int_execution_token_prices_daily
-- grain: one row per (date, symbol): daily USD price of a token
-- spec: §13.3; read by int_execution_mmm_controls_weekly (§7.4: gno_usd_price_avg, eth_usd_price_avg,
--   wxdai_eur_proxy_avg)
-- columns: symbol is GNO, WETH, WXDAI, EURE, ... in any letter case (the models compare upper(symbol))
CREATE TABLE IF NOT EXISTS int_execution_token_prices_daily
(
    date Date,
    symbol String,
    price Float64
)
ENGINE = MergeTree
ORDER BY (date, symbol)
