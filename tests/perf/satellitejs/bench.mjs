// satellite.js beside orbitbench's SGP4 (tests/perf/test_profiles_perf_sgp4.cpp runs this).
//
//   node bench.mjs TLE_FILE STEP_MIN STEPS [MIN_SECONDS]
//
// Propagates every two-line set of TLE_FILE at tsince = k·STEP_MIN, k = 0..STEPS-1, with the
// JavaScript build (sgp4(satrec, tsince)) and the WebAssembly build (BulkPropagator with the
// single-thread runtime), each repeated until MIN_SECONDS have passed, and prints the best
// repetition as propagations per second. It also prints a few states of the JavaScript build
// for the caller to compare with its own, and the largest difference between the WebAssembly
// and JavaScript builds at the same instants. Output lines (space-separated):
//   peer satellite.js <version> node <version>
//   rate <js|wasm> <propagations per second> <propagations per repetition> <repetitions>
//   state <satellite index> <tsince min> <x y z km> <vx vy vz km/s>
//   wasm-vs-js <max position difference km> <max velocity difference km/s> <states compared>
//   unavailable <build> <reason>
import { readFileSync } from 'node:fs';
import * as satellite from 'satellite.js';

const [tlePath, stepArg, stepsArg, minSecondsArg] = process.argv.slice(2);
if (!tlePath || !stepArg || !stepsArg) {
  console.error('usage: node bench.mjs TLE_FILE STEP_MIN STEPS [MIN_SECONDS]');
  process.exit(2);
}
const stepMin = Number(stepArg);
const steps = Number(stepsArg);
const minSeconds = Number(minSecondsArg ?? '1');
const kMinRepetitions = 3;
const kStatesPerSatellite = 4;
const kMsPerMinute = 60000;
const kMinutesPerDay = 1440;
const kUnixEpochJd = 2440587.5;

const packageJson = new URL('./node_modules/satellite.js/package.json', import.meta.url);
const version = JSON.parse(readFileSync(packageJson, 'utf8')).version;
console.log(`peer satellite.js ${version} node ${process.version}`);

const lines = readFileSync(tlePath, 'utf8').split(/\r?\n/);
const satrecs = [];
for (let i = 0; i + 1 < lines.length; i++) {
  if (lines[i].startsWith('1 ') && lines[i + 1].startsWith('2 ')) {
    satrecs.push(satellite.twoline2satrec(lines[i], lines[i + 1]));
    i++;
  }
}
const perRepetition = satrecs.length * steps;

function bestRate(run) {
  let best = Infinity;
  let repetitions = 0;
  const start = performance.now();
  while (repetitions < kMinRepetitions || performance.now() - start < minSeconds * 1000) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
    repetitions++;
  }
  return { rate: perRepetition / (best / 1000), repetitions };
}

// ---- JavaScript build ----
let sink = 0;
const js = bestRate(() => {
  for (const satrec of satrecs) {
    for (let k = 0; k < steps; k++) {
      const pv = satellite.sgp4(satrec, k * stepMin);
      if (pv) sink += pv.position.x;
    }
  }
});
console.log(`rate js ${js.rate} ${perRepetition} ${js.repetitions}`);

// States for the caller's accuracy check: spread over the grid.
satrecs.forEach((satrec, index) => {
  for (let j = 0; j < kStatesPerSatellite; j++) {
    const k = Math.floor((j * (steps - 1)) / (kStatesPerSatellite - 1));
    const tsince = k * stepMin;
    const pv = satellite.sgp4(satrec, tsince);
    if (!pv) continue;
    const p = pv.position;
    const v = pv.velocity;
    console.log(`state ${index} ${tsince} ${p.x} ${p.y} ${p.z} ${v.x} ${v.y} ${v.z}`);
  }
});

// ---- WebAssembly build ----
if (typeof satellite.createSingleThreadRuntime !== 'function') {
  console.log('unavailable wasm this satellite.js has no WebAssembly build');
} else {
  const runtime = await satellite.createSingleThreadRuntime();
  const propagator = new satellite.BulkPropagator({
    runtime,
    calculators: [new satellite.EciBaseCalculator()],
    satRecsCount: satrecs.length,
    datesCount: steps,
  });
  propagator.setSatRecs(satrecs);
  // One date grid for all satellites (the bulk API takes dates, not minutes since each epoch):
  // the first satellite's epoch plus k·step, at the millisecond resolution of a Date.
  const epochMs = (satrecs[0].jdsatepoch - kUnixEpochJd) * kMinutesPerDay * kMsPerMinute;
  const dates = [];
  for (let k = 0; k < steps; k++) dates.push(new Date(Math.round(epochMs + k * stepMin * kMsPerMinute)));
  propagator.setDates(dates);
  const wasm = bestRate(() => propagator.run());
  console.log(`rate wasm ${wasm.rate} ${perRepetition} ${wasm.repetitions}`);

  // The two builds at the same instants.
  const raw = propagator.getRawOutput().eci;
  let maxDr = 0;
  let maxDv = 0;
  let compared = 0;
  satrecs.forEach((satrec, index) => {
    for (let k = 0; k < steps; k += Math.max(1, Math.floor(steps / 16))) {
      const pv = satellite.propagate(satrec, dates[k]);
      const at = (index * steps + k) * 3;
      if (!pv || raw.error[index * steps + k] !== 0) continue;
      const p = [pv.position.x, pv.position.y, pv.position.z];
      const v = [pv.velocity.x, pv.velocity.y, pv.velocity.z];
      compared++;
      for (let c = 0; c < 3; c++) {
        maxDr = Math.max(maxDr, Math.abs(raw.position[at + c] - p[c]));
        maxDv = Math.max(maxDv, Math.abs(raw.velocity[at + c] - v[c]));
      }
    }
  });
  console.log(`wasm-vs-js ${maxDr} ${maxDv} ${compared}`);
  propagator.dispose();
  try {
    runtime.dispose();
  } catch (error) {
    // The Emscripten runtime reports its own orderly exit as an ExitStatus with status 0.
    if (error?.status !== 0) throw error;
  }
}
if (sink === 42) console.error('');  // keeps the JavaScript loop's results alive
