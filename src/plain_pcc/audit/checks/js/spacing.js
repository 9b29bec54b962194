// WCAG 1.4.12's values set on every element as inline styles with priority "important", which
// beat every stylesheet rule and the page's own inline !important; CSSOM writes are not
// subject to the page's style-src either. Then read back: did the spacing take effect?
const SPACING = [['line-height', '1.5'], ['letter-spacing', '0.12em'], ['word-spacing', '0.16em']];
const all = Array.from(ROOT.querySelectorAll('*'));
all.unshift(ROOT);
for (const el of all) {
  if (!el.style) continue;
  for (const [p, v] of SPACING) el.style.setProperty(p, v, 'important');
  if (el.localName === 'p') el.style.setProperty('margin-bottom', '2em', 'important');
}
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
return { textual, missed };
