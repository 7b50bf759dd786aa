#!/usr/bin/env python3
"""Generate MMM parity cases by running them through the real ClickHouse (chDB).

The engine's `mmm` module reproduces four ClickHouse computations of the MMM marts (spec §7.6,
§7.7): `quantile(p)`, `corr(x, y)`, the baseline mart's adstock window expression and, end to
end, the baseline and collinearity marts themselves. This script draws random inputs, evaluates
them in chDB (the in-process ClickHouse) and writes inputs and answers to
`crates/engine/tests/data/mmm_chdb_cases.txt`; `crates/engine/src/mmm/chdb_parity.rs` asserts that
the Rust port gives the same answers.

The window expression is reconstructed from the spec (the mart's SQL is not in this repository):
the frame `ROWS BETWEEN 8 PRECEDING AND CURRENT ROW` over the rows ordered by week, `groupArray`
(which drops NULLs), reversed so the most recent value comes first, each value weighted
`pow(λ, k)`. The baseline and collinearity marts are rebuilt the same way from §7.6 and §7.7:
source rows `week >= as_of − trailing_days`, long forms, the per-pair `quantile(0.1)` threshold,
`adstock_v <= threshold`, `HAVING count() > 5`, and the media self-join with `a.col < b.col`.

Dense blocks also carry variance inflation factors computed with numpy (`lstsq` with an
intercept): not ClickHouse, but an independent implementation of the same definition.

Floats are read back from ClickHouse as their IEEE bits (`reinterpretAsUInt64`) and written with
Python's shortest round-trip `repr`, so the file holds ClickHouse's exact answers. NaN answers are
written as `N`, as are NULL inputs.

File format, one record per line (`#` starts a comment):
    quantile | v1 v2 ... | p1:q1 p2:q2 ...
    corr <clickhouse r|N> <exact r|N> | x1 y1 x2 y2 ...
    adstock <lambda> | x1 x2 ... | a1 a2 ...
    spine <as_of_date> <trailing_days> | week1 week2 ...   (days since 1970-01-01; starts a block)
    col <name> | v1 v2 ...
    baseline <kpi_name> <media_name> <median> <q05> <q95> <threshold> <n_low_spend_weeks>
    pair <col_a> <col_b> <corr|N> <n_weeks> <is_high 0|1>
    vif <column> <vif>
    end                                                     (ends a block)

Usage: pip install chdb-core numpy && python3 scripts/mmm_cases_from_chdb.py [--seed S]
"""

from __future__ import annotations

import argparse
import datetime
import decimal
import fractions
import math
import pathlib
import random
import struct

import chdb
import numpy as np

OUT = pathlib.Path(__file__).resolve().parent.parent / "crates/engine/tests/data/mmm_chdb_cases.txt"

EPOCH = datetime.date(1970, 1, 1)
LEVELS = [0.0, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 1.0, 0.37]


def bits_to_float(text: str) -> float:
    return struct.unpack("<d", struct.pack("<Q", int(text)))[0]


def fmt(v: float | None) -> str:
    """Shortest round-trip text; `N` for NULL or NaN."""
    if v is None or math.isnan(v):
        return "N"
    return repr(float(v))


def lit(v: float | None) -> str:
    return "NULL" if v is None else repr(float(v))


def query_floats(sql: str) -> list[list[str]]:
    """Rows of CSV fields; float columns must be selected as reinterpretAsUInt64(toFloat64(...))."""
    out = chdb.query(sql, "CSV").bytes().decode()
    return [line.replace('"', "").split(",") for line in out.strip().split("\n") if line]


def rnd_value(rng: random.Random, style: str) -> float:
    if style == "ties":
        return float(rng.randint(0, 4))
    if style == "wide":
        return round(rng.uniform(-1e3, 1e3), 3)
    if style == "offset":
        return round(1e4 + rng.gauss(0, 1), 6)
    return round(rng.lognormvariate(3, 1.5), 4)


# --------------------------------------------------------------------------------------------
# quantile(p)


def quantile_cases(rng: random.Random, n_cases: int) -> list[str]:
    lines = ["# quantile(p)(x) over arrayJoin of the values; `N` = nan (no value)."]
    fixed = [[float(i) for i in range(1, 11)], [], [5.0], [0.0] * 12 + [3.0, 7.0], [0.1] * 7]
    cases = fixed + [
        [rnd_value(rng, rng.choice(["ties", "wide", "offset", "pos"])) for _ in range(rng.randint(1, 40))]
        for _ in range(n_cases - len(fixed))
    ]
    for values in cases:
        cols = ", ".join(f"reinterpretAsUInt64(toFloat64(quantile({p})(x)))" for p in LEVELS)
        src = f"SELECT arrayJoin({'[' + ','.join(lit(v) for v in values) + ']'}::Array(Float64)) AS x"
        (row,) = query_floats(f"SELECT {cols} FROM ({src})")
        answers = " ".join(f"{p}:{fmt(bits_to_float(b))}" for p, b in zip(LEVELS, row))
        lines.append(f"quantile | {' '.join(fmt(v) for v in values)} | {answers}")
    return lines


# --------------------------------------------------------------------------------------------
# corr(x, y)


def exact_corr(pairs: list[tuple[float, float]]) -> float | None:
    """The Pearson correlation of the (exactly represented) floats, correctly rounded."""
    n = len(pairs)
    xs = [fractions.Fraction(x) for x, _ in pairs]
    ys = [fractions.Fraction(y) for _, y in pairs]
    if n < 2 or len(set(xs)) == 1 or len(set(ys)) == 1:
        return None
    mx, my = sum(xs) / n, sum(ys) / n
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys))
    sxx = sum((x - mx) ** 2 for x in xs)
    syy = sum((y - my) ** 2 for y in ys)
    r2 = sxy * sxy / (sxx * syy)
    with decimal.localcontext() as ctx:
        ctx.prec = 50
        r = (decimal.Decimal(r2.numerator) / decimal.Decimal(r2.denominator)).sqrt()
    return math.copysign(float(r), float(sxy))


def corr_cases(rng: random.Random, n_cases: int) -> list[str]:
    lines = [
        "# corr(x, y) over the pairs, then the exact correlation (rational arithmetic, correctly",
        "# rounded); `N` = nan (zero variance or fewer than 2 pairs). ClickHouse sums raw moments, so",
        "# on data with a large mean against the spread (the `offset` cases) it is off from 1e-10 on.",
    ]
    fixed = [
        [(0.0, 1.0), (0.0, 2.0), (0.0, 3.0)],
        [(0.1, 1.0), (0.1, 2.0), (0.1, 3.0)],
        [(1.0, 2.0)],
        [(1.0, 2.0), (2.0, 1.0), (3.0, 4.0), (4.0, 3.0)],
        [(float(i), 3.0 * i - 2.0) for i in range(10)],
    ]
    cases = list(fixed)
    while len(cases) < n_cases:
        n = rng.randint(2, 30)
        style = rng.choice(["ties", "wide", "offset", "pos"])
        rho = rng.uniform(-1, 1)
        pairs = []
        for _ in range(n):
            x = rnd_value(rng, style)
            y = round(rho * x + (1 - abs(rho)) * rnd_value(rng, style) + rng.gauss(0, 1), 4)
            pairs.append((x, y))
        cases.append(pairs)
    for pairs in cases:
        arr = "[" + ",".join(f"({lit(x)},{lit(y)})" for x, y in pairs) + "]"
        sql = (
            "SELECT reinterpretAsUInt64(toFloat64(corr(p.1, p.2))) "
            f"FROM (SELECT arrayJoin({arr}::Array(Tuple(Float64, Float64))) AS p)"
        )
        (row,) = query_floats(sql)
        flat = " ".join(f"{fmt(x)} {fmt(y)}" for x, y in pairs)
        lines.append(f"corr {fmt(bits_to_float(row[0]))} {fmt(exact_corr(pairs))} | {flat}")
    return lines


# --------------------------------------------------------------------------------------------
# The mart's adstock window


def adstock_expr(col: str, lam: float) -> str:
    return (
        f"arraySum(arrayMap((v, i) -> v * pow({lam!r}, i - 1), "
        f"arrayReverse(groupArray({col}) OVER w), arrayEnumerate(groupArray({col}) OVER w)))"
    )


WINDOW = "WINDOW w AS (ORDER BY week ROWS BETWEEN 8 PRECEDING AND CURRENT ROW)"


def adstock_cases(rng: random.Random, n_cases: int) -> list[str]:
    lines = ["# The mart's 9-row adstock window (NULLs dropped by groupArray) at lambda."]
    spec = [8.0, None, 4.0, None, None, 1.0] + [0.0] * 9
    cases = [(0.5, spec)]
    while len(cases) < n_cases:
        lam = rng.choice([0.0, 0.5, round(rng.uniform(0, 0.99), 4)])
        null_p = rng.choice([0.0, 0.0, 0.2, 0.5])
        x = [None if rng.random() < null_p else rnd_value(rng, rng.choice(["ties", "pos"])) for _ in range(rng.randint(1, 30))]
        cases.append((lam, x))
    for lam, x in cases:
        rows = ",".join(f"({i},{lit(v)})" for i, v in enumerate(x))
        sql = (
            f"SELECT reinterpretAsUInt64(toFloat64({adstock_expr('x', lam)})) AS a "
            f"FROM values('week UInt32, x Nullable(Float64)', {rows}) {WINDOW} ORDER BY week"
        )
        out = [fmt(bits_to_float(r[0])) for r in query_floats(sql)]
        assert len(out) == len(x)
        lines.append(f"adstock {lam!r} | {' '.join(fmt(v) for v in x)} | {' '.join(out)}")
    return lines


# --------------------------------------------------------------------------------------------
# End to end: the baseline and collinearity marts on a random spine


def random_spine(rng: random.Random, n_weeks: int) -> tuple[list[int], dict[str, list[float | None]]]:
    first = datetime.date(2024, 6, 17) + datetime.timedelta(weeks=rng.randint(0, 20))
    weeks = [(first - EPOCH).days + 7 * i for i in range(n_weeks)]
    r = lambda: rng.random()  # noqa: E731
    cols: dict[str, list[float | None]] = {
        # Dense, positive KPI.
        "kpi_a": [round(rng.lognormvariate(8, 0.5), 2) for _ in range(n_weeks)],
        # KPI with many NULLs (a "last" method with gaps).
        "kpi_b": [None if r() < 0.4 else float(rng.randint(50, 80)) for _ in range(n_weeks)],
        # KPI with so few values that some pairs have at most 5 low-spend weeks.
        "kpi_c": [None if r() < 0.85 else round(rng.uniform(0, 100), 1) for _ in range(n_weeks)],
        # Spend that is zero most weeks: threshold 0, tie-heavy.
        "media_x": [0.0 if r() < 0.6 else round(rng.uniform(0, 500), 2) for _ in range(n_weeks)],
        # A weighted-average media with NULL weeks (exponent shift).
        "media_y": [None if r() < 0.15 else round(rng.uniform(1, 30), 3) for _ in range(n_weeks)],
        # A placeholder media: always zero.
        "media_z": [0.0] * n_weeks,
        # Smooth spend, partly driven by media_x.
        "media_w": [],
    }
    for i in range(n_weeks):
        x = cols["media_x"][i] or 0.0
        cols["media_w"].append(round(100 + 10 * math.sin(i / 5) + 0.05 * x + rng.gauss(0, 3), 3))
    return weeks, cols


def iso(day: int) -> str:
    return (EPOCH + datetime.timedelta(days=day)).isoformat()


def spine_block(rng: random.Random, n_weeks: int) -> list[str]:
    weeks, cols = random_spine(rng, n_weeks)
    as_of = weeks[-1] + 7 + rng.randint(0, 6)
    trailing = rng.randint(7 * (n_weeks - 12), 7 * n_weeks + 14)
    names = sorted(cols)
    kpis = [n for n in names if n.startswith("kpi_")]
    media = [n for n in names if n.startswith("media_")]
    schema = "week Date, " + ", ".join(f"{n} Nullable(Float64)" for n in names)
    rows = ",".join(
        "(" + ",".join([f"'{iso(w)}'"] + [lit(cols[n][i]) for n in names]) + ")" for i, w in enumerate(weeks)
    )
    src = f"SELECT * FROM values('{schema}', {rows}) WHERE week >= toDate('{iso(as_of)}') - {trailing}"
    short = lambda n: n.split("_", 1)[1]  # noqa: E731
    adstocked = f"SELECT week, {', '.join(kpis)}, " + ", ".join(
        f"{adstock_expr(m, 0.5)} AS ad_{short(m)}" for m in media
    ) + f" FROM ({src}) {WINDOW}"
    long_kpi = (
        f"SELECT week, kpi_name, kpi_v FROM adstocked ARRAY JOIN "
        f"[{', '.join(repr(short(k)) for k in kpis)}] AS kpi_name, [{', '.join(kpis)}] AS kpi_v"
    )
    long_media = (
        f"SELECT week, media_name, adstock_v FROM adstocked ARRAY JOIN "
        f"[{', '.join(repr(short(m)) for m in media)}] AS media_name, "
        f"[{', '.join('ad_' + short(m) for m in media)}] AS adstock_v"
    )
    baseline_sql = f"""
        WITH adstocked AS ({adstocked}),
        long_kpi AS ({long_kpi}),
        long_media AS ({long_media}),
        joined AS (
            SELECT k.week AS week, k.kpi_name AS kpi_name, k.kpi_v AS kpi_v,
                   m.media_name AS media_name, m.adstock_v AS adstock_v
            FROM long_kpi AS k INNER JOIN long_media AS m ON k.week = m.week
            WHERE k.kpi_v IS NOT NULL
        ),
        thresholds AS (
            SELECT kpi_name, media_name, quantile(0.1)(adstock_v) AS bottom_decile_threshold
            FROM joined GROUP BY kpi_name, media_name
        )
        SELECT j.kpi_name, j.media_name,
            reinterpretAsUInt64(toFloat64(quantile(0.5)(j.kpi_v))),
            reinterpretAsUInt64(toFloat64(quantile(0.05)(j.kpi_v))),
            reinterpretAsUInt64(toFloat64(quantile(0.95)(j.kpi_v))),
            reinterpretAsUInt64(toFloat64(any(t.bottom_decile_threshold))),
            count()
        FROM joined AS j INNER JOIN thresholds AS t ON j.kpi_name = t.kpi_name AND j.media_name = t.media_name
        WHERE j.adstock_v <= t.bottom_decile_threshold
        GROUP BY j.kpi_name, j.media_name
        HAVING count() > 5
        ORDER BY j.kpi_name, j.media_name
    """
    long_all = (
        f"SELECT week, col_name, v FROM ({src}) ARRAY JOIN "
        f"[{', '.join(repr(m) for m in media)}] AS col_name, [{', '.join(media)}] AS v"
    )
    collinearity_sql = f"""
        WITH long AS ({long_all})
        SELECT a.col_name, b.col_name,
            reinterpretAsUInt64(toFloat64(corr(a.v, b.v))), count(),
            toUInt8(abs(corr(a.v, b.v)) > 0.9)
        FROM long AS a INNER JOIN long AS b ON a.week = b.week
        WHERE a.col_name < b.col_name AND a.v IS NOT NULL AND b.v IS NOT NULL
        GROUP BY a.col_name, b.col_name
        ORDER BY a.col_name, b.col_name
    """
    lines = [f"spine {as_of} {trailing} | {' '.join(str(w) for w in weeks)}"]
    lines += [f"col {n} | {' '.join(fmt(v) for v in cols[n])}" for n in names]
    for k, m, med, q05, q95, thr, n in query_floats(baseline_sql):
        vals = " ".join(fmt(bits_to_float(b)) for b in (med, q05, q95, thr))
        lines.append(f"baseline {k} {m} {vals} {n}")
    for a, b, r, n, flag in query_floats(collinearity_sql):
        lines.append(f"pair {a} {b} {fmt(bits_to_float(r))} {n} {flag}")
    lines.append("end")
    return lines


def dense_block(rng: random.Random, n_weeks: int, k: int) -> list[str]:
    """Correlated media without NULLs; VIF by numpy least squares with an intercept."""
    base = [[rng.gauss(0, 1) for _ in range(n_weeks)] for _ in range(k)]
    cols = {}
    for j in range(k):
        mix = rng.uniform(-1.5, 1.5)
        cols[f"media_m{j}"] = [round(50 + 10 * (base[j][i] + mix * base[0][i] * (j > 0)), 4) for i in range(n_weeks)]
    weeks = [(datetime.date(2024, 6, 17) - EPOCH).days + 7 * i for i in range(n_weeks)]
    lines = [f"spine {weeks[-1] + 7} 100000 | {' '.join(str(w) for w in weeks)}"]
    lines += [f"col {n} | {' '.join(fmt(v) for v in vs)}" for n, vs in sorted(cols.items())]
    names = sorted(cols)
    data = np.array([cols[n] for n in names]).T
    for j, name in enumerate(names):
        y = data[:, j]
        x = np.column_stack([np.ones(n_weeks)] + [data[:, i] for i in range(k) if i != j])
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        ssr = float(np.sum((y - x @ coef) ** 2))
        sst = float(np.sum((y - y.mean()) ** 2))
        lines.append(f"vif {name} {fmt(sst / ssr)}")
    lines.append("end")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=20260628)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    version = chdb.query("SELECT version()", "CSV").bytes().decode().strip().strip('"')
    lines = [
        f"# Generated by scripts/mmm_cases_from_chdb.py --seed {args.seed} with ClickHouse {version} (chDB).",
        "# Do not edit by hand: rerun the script. Format: see the script's docstring.",
    ]
    lines += quantile_cases(rng, 50)
    lines += corr_cases(rng, 50)
    lines += adstock_cases(rng, 40)
    lines.append("# End to end: baseline (λ = 0.5, 9-row frame) and collinearity marts on random spines.")
    for n_weeks in (105, 104, 60):
        lines += spine_block(rng, n_weeks)
    lines.append("# Dense, correlated media; vif lines by numpy lstsq (not ClickHouse).")
    for k in (2, 3, 5):
        lines += dense_block(rng, rng.randint(20, 40), k)
    OUT.write_text("\n".join(lines) + "\n")
    n_checks = sum(1 for line in lines if not line.startswith(("#", "col", "spine", "end")))
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes, {n_checks} case lines)")


if __name__ == "__main__":
    main()
