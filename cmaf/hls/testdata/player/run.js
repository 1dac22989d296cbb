const { chromium } = require('playwright-core');
const base = 'http://127.0.0.1:8089';
const root = process.env.ROOT || '/out';
const ENC = process.env.ENC ? '&enc=1' + (process.env.BADKEY ? '&key=00000000000000000000000000000000' : '') : '';
const cases = [
  ['shaka', root + '/segments/manifest.mpd'], ['shaka', root + '/single/manifest.mpd'],
  ['shaka', root + '/segments/master.m3u8'], ['shaka', root + '/single/master.m3u8'],
  ['dashjs', root + '/segments/manifest.mpd'], ['dashjs', root + '/single/manifest.mpd'],
  ['hlsjs', root + '/segments/master.m3u8'], ['hlsjs', root + '/single/master.m3u8'],
].filter(([p]) => !process.env.PLAYERS || process.env.PLAYERS.split(',').includes(p));
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--autoplay-policy=no-user-gesture-required'] });
  let pass = 0, fail = 0;
  for (const [player, url] of cases) {
    const page = await browser.newPage();
    await page.goto(`${base}/web/page.html?player=${player}&url=${encodeURIComponent(url)}${ENC}`);
    let r;
    for (let i = 0; i < 60; i++) {
      await page.waitForTimeout(250);
      r = await page.evaluate(() => { const v = document.getElementById('v'); return { t: v.currentTime, frames: v.getVideoPlaybackQuality().totalVideoFrames, errors: window.errors, audio: v.webkitAudioDecodedByteCount }; });
      if (r.t >= 5 || r.errors.length) break;
    }
    const ok = r.t >= 5 && r.errors.length === 0 && r.frames > 0;
    ok ? pass++ : fail++;
    console.log(`${ok ? 'PASS' : 'FAIL'} ${player} ${url}${ENC ? ' (ClearKey' + (process.env.BADKEY ? ', wrong key)' : ')') : ''} t=${r.t.toFixed(2)} frames=${r.frames} audioBytes=${r.audio} errors=${JSON.stringify(r.errors).slice(0, 200)}`);
    await page.close();
  }
  await browser.close();
  console.log(`${pass} passed, ${fail} failed`);
})();
