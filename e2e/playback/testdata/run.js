// run.js plays the cases of a JSON plan in headless Chromium, several pages
// at a time, and prints one JSON result per case (a line each) on stdout.
// playback_test.go writes the plan, serves the page and the media, and
// judges the results; this script only measures.
//
//   node run.js PLAN.json
//   plan: {base, chromium, parallel, afterSwitch, probe, probeCodecs,
//          cases: [{name, page, want, timeout, switchAt}]}
//     probe   a blank page on which to ask MSE and EME ClearKey about
//             probeCodecs ([kind, codec] pairs); printed first, as {name: "", probe}
//     page    the page URL below base (page.html?c=...)
//     want    seconds of currentTime after which the case has played enough
//     timeout seconds after which a case that has not got there is stopped
//     switchAt (renditions) the page switches video rendition at this time; the
//             case goes on until afterSwitch seconds have played at the new height
//   result: {name, t, frames, dropped, errors, heights, switchedAt, switchTo,
//            videoHeight, png (base64 screenshot of the video), ms}
'use strict';
const fs = require('fs');
const { chromium } = require('playwright-core');

const plan = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));

async function play(browser, c) {
  const started = Date.now();
  const context = await browser.newContext({ viewport: { width: 640, height: 360 } });
  const page = await context.newPage();
  const console_ = [];
  page.on('pageerror', e => console_.push('pageerror ' + e.message));
  let r = { t: 0, frames: 0, errors: [] };
  try {
    await page.goto(plan.base + c.page);
    const deadline = started + c.timeout * 1000;
    for (;;) {
      await page.waitForTimeout(200);
      r = await page.evaluate(() => {
        const v = document.getElementById('v');
        const q = v.getVideoPlaybackQuality();
        return Object.assign({}, window.state, {
          t: v.currentTime, frames: q.totalVideoFrames, dropped: q.droppedVideoFrames,
          videoHeight: v.videoHeight, paused: v.paused, readyState: v.readyState,
        });
      });
      // A switch case plays on for a second after the new height shows.
      const last = r.heights.length ? r.heights[r.heights.length - 1][0] : 0;
      const switched = !c.switchAt ||
        (r.switchedAt !== null && r.videoHeight === r.switchTo && r.t >= last + plan.afterSwitch);
      if ((r.t >= c.want && switched) || r.errors.length || console_.length || Date.now() > deadline) break;
    }
    // The video fills the viewport. A page screenshot (not a canvas copy,
    // which is black for encrypted video) has no element-stability wait,
    // which a playing video can hold up on a busy machine.
    r.png = (await page.screenshot({ timeout: 20000 })).toString('base64');
  } catch (e) {
    r.errors = (r.errors || []).concat('runner: ' + e.message.split('\n')[0]);
  }
  r.errors = (r.errors || []).concat(console_);
  r.name = c.name;
  r.ms = Date.now() - started;
  await context.close();
  return r;
}

(async () => {
  const browser = await chromium.launch({
    executablePath: plan.chromium,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--autoplay-policy=no-user-gesture-required', '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'],
  });
  if (plan.probe) {
    // What this Chromium's MSE and EME ClearKey accept, printed as one line.
    const page = await browser.newPage();
    await page.goto(plan.base + plan.probe);
    const probe = await page.evaluate(async codecs => {
      const out = {};
      for (const [kind, codec] of codecs) {
        const type = `${kind}/mp4; codecs="${codec}"`;
        const eme = {};
        for (const scheme of ['cenc', 'cbcs']) {
          const caps = [{ contentType: type, encryptionScheme: scheme }];
          const cfg = { initDataTypes: ['cenc'], [kind + 'Capabilities']: caps };
          eme[scheme] = await navigator.requestMediaKeySystemAccess('org.w3.clearkey', [cfg]).then(() => true, () => false);
        }
        out[codec] = { mse: MediaSource.isTypeSupported(type), clearkey: eme };
      }
      return out;
    }, plan.probeCodecs);
    process.stdout.write(JSON.stringify({ name: '', probe }) + '\n');
    await page.close();
  }
  const queue = plan.cases.slice();
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const r = await play(browser, c);
      process.stdout.write(JSON.stringify(r) + '\n');
    }
  };
  await Promise.all(Array.from({ length: plan.parallel }, worker));
  await browser.close();
})().catch(e => { console.error(e); process.exit(1); });
