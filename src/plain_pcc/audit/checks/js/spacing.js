// WCAG 1.4.12's values set on every element as inline styles with priority "important", which
// beat every stylesheet rule and the page's own inline !important; CSSOM writes are not
// subject to the page's style-src either. Then read back: did the spacing take effect?
// The page and each element's style attribute are kept first, so that spacing_undo.js can
// put the page back as it was.
const SPACING = [['line-height', '1.5'], ['letter-spacing', '0.12em'], ['word-spacing', '0.16em']];
const all = Array.from(ROOT.querySelectorAll('*'));
all.unshift(ROOT);
keepPage();
Object.defineProperty(window, '__a11ySpacing', {
  configurable: true,
  value: all.map((el) => [el, el.getAttribute('style')]),
});
for (const el of all) {
  if (!el.style) continue;
  for (const [p, v] of SPACING) el.style.setProperty(p, v, 'important');
  if (el.localName === 'p') el.style.setProperty('margin-bottom', '2em', 'important');
}
