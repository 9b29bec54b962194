// Read back after the page had its chance to react (a script may undo what was set); and text
// that no longer fits.
const all = Array.from(ROOT.querySelectorAll('*'));
all.unshift(ROOT);
ROOT.getBoundingClientRect();
const missed = [];
let textual = 0;
for (const el of all) {
  if (!isRendered(el)) continue;
  const own = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.data.trim());
  if (!own) continue;
  textual += 1;
  const s = getComputedStyle(el);
  const size = parseFloat(s.fontSize);
  const ok = Math.abs(parseFloat(s.letterSpacing) - 0.12 * size) < 0.6
    && Math.abs(parseFloat(s.wordSpacing) - 0.16 * size) < 0.6
    && (s.lineHeight === 'normal' ? false : Math.abs(parseFloat(s.lineHeight) - 1.5 * size) < 0.6);
  if (!ok && missed.length < 5) {
    missed.push(`${cssPath(el)} (letter ${s.letterSpacing}, word ${s.wordSpacing}, line ${s.lineHeight})`);
  }
}
return { textual, missed, fits: textFits() };
