// Times the engine's WebAssembly build on the 1 M-touch sample: decode, join, attribution, sweep.
// The result goes to `window.benchResult` (or `window.benchError`), and `data-done="1"` is set on
// <body> when finished, for scripts/bench-browser.

const DATA = "../data/bench/";
const CONVERSIONS = "conversions_ga.parquet";
const TOUCHES = "journeys_touches_ga.parquet";
const GENERATE = "target/release/mensura sample --out www/data/bench --conversions 268000";

// The attribution run: all rules (always computed), one lookback, one half-life.
const ATTRIBUTION = {
  lookback_days: 30,
  kernel: { kind: "half_life", half_life_days: 7 },
  lag: "calendar",
};
// The native criterion benchmark's 4 × 5 grid (crates/engine/benches/engine.rs).
const SWEEP = {
  lookbacks_days: [7, 14, 30, 60],
  kernels: [1, 3, 7, 14, 30].map((h) => ({ kind: "half_life", half_life_days: h })),
  window_days: 180,
  as_of: null,
  lag: "calendar",
  position: { first: 0.4, middle: 0.2, last: 0.4 },
  by_role: false,
  rank_by: "time_decay",
  reference_cell: 0,
};
const TARGETS = { attribute_mtouches_per_s: 50, decode_ms: 300 };

const statusLine = document.getElementById("status");
const status = (text) => { statusLine.textContent = text; };
// Lets the page repaint between steps.
const yieldToBrowser = () => new Promise((resolve) => setTimeout(resolve, 0));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, digits = 2) => Number(x.toFixed(digits));

class Missing extends Error {}

async function fetchBytes(name) {
  const response = await fetch(DATA + name);
  if (!response.ok) {
    throw new Missing(
      `Missing ${DATA}${name} (HTTP ${response.status}).\n` +
      `Generate the benchmark data from the repository root with:\n  ${GENERATE}\n` +
      `(or run scripts/bench-browser, which does it for you).`);
  }
  return new Uint8Array(await response.arrayBuffer());
}

// Runs `fn` `warmups` times (timing only the first), then `runs` times timed; `fn` returns the
// rows it handled, which are the throughput's touches unless `touches` is given.
async function measure(label, { warmups, runs, touches, target }, fn) {
  status(`Timing ${label}…`);
  await yieldToBrowser();
  // The first call runs baseline-compiled code (Liftoff); later ones the optimised tier.
  const t = performance.now();
  let rows = fn();
  const first_ms = performance.now() - t;
  for (let i = 1; i < warmups; i++) rows = fn();
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    rows = fn();
    ms.push(performance.now() - t0);
  }
  const med = median(ms);
  const step = {
    rows,
    warmups,
    runs,
    median_ms: round(med),
    min_ms: round(Math.min(...ms)),
    first_ms: round(first_ms),
    runs_ms: ms.map((x) => round(x)),
    mtouches_per_s: round((touches ?? rows) / med / 1000),
  };
  if (target) Object.assign(step, target(step));
  addRow(label, step);
  return step;
}

function addRow(label, step) {
  const tr = document.createElement("tr");
  const cells = [label, step.rows.toLocaleString("en"), step.runs, step.first_ms.toFixed(1),
    step.median_ms.toFixed(1),
    step.min_ms.toFixed(1), step.mtouches_per_s.toFixed(1), step.target ?? ""];
  for (const text of cells) {
    const td = document.createElement("td");
    td.textContent = text;
    tr.append(td);
  }
  if (step.pass !== undefined) tr.lastChild.className = step.pass ? "pass" : "fail";
  document.getElementById("rows").append(tr);
}

async function run() {
  document.getElementById("ua").textContent = navigator.userAgent;
  status("Loading the wasm bundle…");
  let engine;
  try {
    engine = await import("../pkg/engine/mensura_engine.js");
  } catch (e) {
    throw new Missing(`Cannot load ../pkg/engine/mensura_engine.js (${e.message}).\n` +
      "Build it from the repository root with:  scripts/build-wasm");
  }
  const t0 = performance.now();
  await engine.default({ module_or_path: new URL("../pkg/engine/mensura_engine_bg.wasm", import.meta.url) });
  const init_ms = round(performance.now() - t0);

  status("Fetching the extracts…");
  const [conversionBytes, touchBytes] = await Promise.all([fetchBytes(CONVERSIONS), fetchBytes(TOUCHES)]);

  const decode = await measure("decodeTouches (touch extract)", {
    warmups: 1, runs: 7,
    target: (s) => ({ target: `< ${TARGETS.decode_ms} ms`, pass: s.median_ms < TARGETS.decode_ms }),
  }, () => engine.decodeTouches(TOUCHES, touchBytes));

  const build = () => new engine.Journeys(CONVERSIONS, conversionBytes, TOUCHES, touchBytes);
  const journeysStep = await measure("new Journeys (decode both + join)", {
    warmups: 1, runs: 5,
  }, () => { const j = build(); const n = j.touches(); j.free(); return n; });

  const journeys = build();
  const touches = journeys.touches();
  const conversions = journeys.conversions();
  let attribution;
  const attribute = await measure("attribute (all rules, 30 d, half-life 7 d)", {
    warmups: 5, runs: 15, touches,
    target: (s) => ({
      target: `≥ ${TARGETS.attribute_mtouches_per_s} M/s`,
      pass: s.mtouches_per_s >= TARGETS.attribute_mtouches_per_s,
    }),
  }, () => { attribution = journeys.attribute(ATTRIBUTION); return touches; });

  let grid;
  const sweep = await measure("sweep 4 × 5 (lookbacks × half-lives)", {
    warmups: 1, runs: 5, touches,
  }, () => { grid = journeys.sweep(SWEEP); return touches; });
  journeys.free();

  window.benchResult = {
    userAgent: navigator.userAgent,
    hardwareConcurrency: navigator.hardwareConcurrency,
    files: {
      [CONVERSIONS]: { bytes: conversionBytes.length, conversions },
      [TOUCHES]: { bytes: touchBytes.length, touches: decode.rows },
    },
    init_ms,
    decode,
    journeys: journeysStep,
    attribute,
    sweep,
    targets: TARGETS,
    pass: decode.pass && attribute.pass,
    // A few output facts, so that a broken build cannot pass by doing nothing.
    check: {
      attribution_rows: attribution.rows.length,
      linear_credit: round(attribution.rows.reduce((sum, r) => sum + r.linear, 0), 3),
      sweep_cells: grid.cells.length,
    },
  };
  status(`Done: ${touches.toLocaleString("en")} touches, ${conversions.toLocaleString("en")} conversions. ` +
    (window.benchResult.pass ? "Both targets met." : "A target was missed."));
}

run()
  .catch((e) => {
    window.benchError = e instanceof Missing ? e.message : `${e.message ?? e}\n${e.stack ?? ""}`;
    statusLine.className = "error";
    status(window.benchError);
    console.error(e);
  })
  .finally(() => { document.body.dataset.done = "1"; });
