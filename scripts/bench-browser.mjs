// Opens the browser timing page (www/bench/) in headless Chromium, waits for it to finish and
// prints its result: JSON on stdout, a short table on stderr. Exits 1 if the page reports an error.
//
// Usage: node scripts/bench-browser.mjs http://127.0.0.1:PORT/bench/
import { chromium } from "playwright-core";

const url = process.argv[2];
if (!url) {
  console.error("usage: node scripts/bench-browser.mjs URL");
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage"],
});
let failed = true;
try {
  const page = await browser.newPage();
  page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") console.error(`[page] ${m.text()}`); });
  page.on("pageerror", (e) => console.error(`[page] ${e.message}`));
  await page.goto(url);
  await page.waitForFunction(() => document.body.dataset.done === "1", null, { timeout: 600_000 });
  const { result, error } = await page.evaluate(() => ({
    result: window.benchResult ?? null,
    error: window.benchError ?? null,
  }));
  if (error || !result) {
    console.error(`The timing page failed:\n${error ?? "no result"}`);
  } else {
    result.browserVersion = browser.version();
    console.log(JSON.stringify(result, null, 2));
    const rows = [["decodeTouches", result.decode], ["new Journeys", result.journeys],
      ["attribute", result.attribute], ["sweep 4x5", result.sweep]];
    console.error(`\n${result.userAgent}`);
    console.error("step              first ms  median ms    min ms  M touches/s  target");
    for (const [name, s] of rows) {
      const verdict = s.target ? `${s.target} ${s.pass ? "ok" : "MISSED"}` : "";
      const cols = [s.first_ms, s.median_ms, s.min_ms, s.mtouches_per_s].map((x) => x.toFixed(1));
      console.error(`${name.padEnd(15)} ${cols[0].padStart(9)} ${cols[1].padStart(10)} ${cols[2].padStart(9)}` +
        ` ${cols[3].padStart(12)}  ${verdict}`);
    }
    failed = false;
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
