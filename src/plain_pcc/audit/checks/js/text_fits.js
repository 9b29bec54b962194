// WCAG 1.4.4 and 1.4.12: text that is cut off by its box, or drawn over other text.
const found = [];
for (const el of ROOT.querySelectorAll('*')) {
  const s = getComputedStyle(el);
  const clipsX = s.overflowX === 'hidden' || s.overflowX === 'clip';
  const clipsY = s.overflowY === 'hidden' || s.overflowY === 'clip';
  if (!clipsX && !clipsY) continue;
  if (!isRendered(el) || isVisuallyHidden(el) || !(el.innerText || el.textContent || '').trim()) continue;
  const overX = clipsX && el.scrollWidth > el.clientWidth + 1;
  const overY = clipsY && el.scrollHeight > el.clientHeight + 1;
  if (overX || overY) {
    found.push({
      selector: cssPath(el),
      snippet: snippet(el),
      detail: `${describeEl(el)} clips its text: content ${el.scrollWidth}x${el.scrollHeight} `
        + `px in a ${el.clientWidth}x${el.clientHeight} px box (overflow ${s.overflowX} `
        + `${s.overflowY})`,
    });
  }
}
// Line boxes of every visible text node; two from different nodes must not intersect.
const boxes = [];
const walker = document.createTreeWalker(ROOT, NodeFilter.SHOW_TEXT, {
  acceptNode: (n) => (n.data.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP),
});
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const el = node.parentElement;
  if (!el || !isRendered(el) || isVisuallyHidden(el)) continue;
  if (['script', 'style', 'noscript', 'template', 'title'].includes(el.localName)) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  for (const r of range.getClientRects()) {
    if (r.width > 1 && r.height > 1) boxes.push({ r, node, el });
  }
}
boxes.sort((a, b) => a.r.top - b.r.top);
const seen = new Set();
for (let i = 0; i < boxes.length; i++) {
  const a = boxes[i];
  for (let j = i + 1; j < boxes.length && boxes[j].r.top < a.r.bottom; j++) {
    const b = boxes[j];
    if (a.node === b.node) continue;
    const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
    const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
    // A pixel or two of touching glyph boxes is rounding, not text drawn over text.
    if (w <= 2 || h <= 2) continue;
    const key = cssPath(a.el) + '|' + cssPath(b.el);
    if (seen.has(key)) continue;
    seen.add(key);
    found.push({
      selector: cssPath(a.el),
      snippet: snippet(a.el),
      detail: `${describeEl(a.el)} overlaps ${describeEl(b.el)} at ${cssPath(b.el)} `
        + `by ${Math.round(w)}x${Math.round(h)} px`,
    });
  }
}
return found.slice(0, 20);
