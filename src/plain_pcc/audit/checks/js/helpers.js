// Shared by every check script: prepended, so these are locals of the script's function.
// An SVG or XML document has no body: the checks walk the document element instead.
const ROOT = document.body || document.documentElement;
// An HTML page, not an SVG drawing or an XML file shown in the browser.
const IS_HTML = !!document.body
  && ['text/html', 'application/xhtml+xml'].includes(document.contentType);
const TARGETS = [
  'a[href]', 'area[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea',
  'summary', 'iframe', '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="radio"]',
  '[role="switch"]', '[role="tab"]', '[role="menuitem"]', '[tabindex]:not([tabindex="-1"])',
].join(', ');

// A selector that finds this element again: the nearest unique id, then child steps.
const cssPath = (el) => {
  if (!el || el.nodeType !== 1) return 'document';
  const doc = el.ownerDocument;
  const parts = [];
  for (let node = el; node && node !== doc.documentElement; node = node.parentElement) {
    if (node.id && doc.querySelectorAll('#' + CSS.escape(node.id)).length === 1) {
      parts.unshift('#' + CSS.escape(node.id));
      return framePrefix(doc) + parts.join(' > ');
    }
    let part = node.localName;
    const parent = node.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.localName === node.localName);
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
    }
    parts.unshift(part);
  }
  parts.unshift(doc.documentElement.localName);
  return framePrefix(doc) + parts.join(' > ');
};

// Inside a frame, a selector starts with the frame's own selector, as axe writes it.
const framePrefix = (doc) => {
  if (doc === document || !doc.defaultView || !doc.defaultView.frameElement) return '';
  return cssPath(doc.defaultView.frameElement) + ' >> ';
};

// The element's opening tag: part of a finding's fingerprint.
const snippet = (el) => (el && el.nodeType === 1 ? el.outerHTML.split('>')[0].slice(0, 200) + '>' : '');

const isRendered = (el) => (el.checkVisibility
  ? el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : true)
  && el.getClientRects().length > 0;

// The "visually hidden" pattern (1 px box, clipped) keeps text for screen readers only: it is
// meant to be invisible, so clipping it is no loss of content.
const isVisuallyHidden = (el) => {
  for (let node = el; node && node !== ROOT; node = node.parentElement) {
    const r = node.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) {
      const s = getComputedStyle(node);
      if (s.overflow !== 'visible' || s.clip !== 'auto' || s.clipPath !== 'none') return true;
    }
  }
  return false;
};

// Same-origin frames' documents; a cross-origin frame's content cannot be read from here.
const frameDocs = (doc = document) => {
  const out = [];
  for (const frame of doc.querySelectorAll('iframe, frame')) {
    let inner = null;
    try { inner = frame.contentDocument; } catch (e) { inner = null; }
    if (inner && inner.documentElement) out.push(inner, ...frameDocs(inner));
  }
  return out;
};

const interactiveIn = (doc) => Array.from(doc.querySelectorAll(TARGETS)).filter(
  (el) => !el.disabled && !el.closest('[inert]') && isRendered(el),
);
const interactive = () => interactiveIn(document);

const describeEl = (el) => {
  const text = (el.innerText || el.textContent || el.value || el.getAttribute('aria-label') || '')
    .trim().replace(/\s+/g, ' ');
  return `<${el.localName}>` + (text ? ` "${text.slice(0, 40)}"` : '');
};

// The page as a check found it, kept before the check changes it: pageKept() tells whether it
// was put back exactly (its address and target, the document and its same-origin frames', the
// scroll, nothing focused).
const pageHtml = () => [document, ...frameDocs()].map((d) => d.documentElement.outerHTML);
const keepPage = () => Object.defineProperty(window, '__a11yKept', {
  configurable: true,
  value: {
    href: window.location.href,
    target: document.querySelector(':target'),
    html: pageHtml().join('\n'),
    scroll: [window.scrollX, window.scrollY],
  },
});
const nothingFocused = (doc) => !doc.activeElement || doc.activeElement === doc.body
  || doc.activeElement === doc.documentElement;
// Focus let go, and the start of the next Tab put back at the top of the page, where a page
// just loaded has it (focus moved by script or by Tab leaves it where focus was): through the
// root element, focused and let go.
const letGoOfFocus = () => {
  for (const doc of [...frameDocs(), document]) {
    if (!nothingFocused(doc) && doc.activeElement.blur) doc.activeElement.blur();
  }
  const root = document.documentElement;
  const had = root.getAttribute('tabindex');
  root.tabIndex = -1;
  root.focus({ preventScroll: true });
  root.blur();
  if (had === null) root.removeAttribute('tabindex'); else root.setAttribute('tabindex', had);
};
// A function that runs the first time it is called, and never again: for answers that may
// come from an event or from a timeout, whichever is first.
const once = (fn) => {
  let called = false;
  return (...args) => {
    if (called) return;
    called = true;
    fn(...args);
  };
};
// Answered once the page has had the chance to react: its mutation observers run after the
// script that changed it, its resize observers only at the next frame. A page that cannot run
// script of its own has no observers: it is answered a task later, not a frame (a frame is
// 16.7 ms away).
const pageKept = (done, scripted = true) => {
  const kept = window.__a11yKept;
  delete window.__a11yKept;
  if (!kept) { done(false); return; }
  const answer = once(() => {
    done(window.location.href === kept.href
      && document.querySelector(':target') === kept.target
      && pageHtml().join('\n') === kept.html
      && window.scrollX === kept.scroll[0] && window.scrollY === kept.scroll[1]
      && [document, ...frameDocs()].every(nothingFocused));
  });
  if (!scripted) { setTimeout(answer, 0); return; }
  requestAnimationFrame(() => setTimeout(answer, 0));
  setTimeout(answer, 100);  // a page that draws no frames still answers
};

// After key presses: the address the page was loaded at (a followed link's fragment undone
// by going back, and with it :target), focus let go and the next Tab's start at the top, the
// scroll; then done(whether the page is as it was kept).
const undoKeys = (scripted, done) => {
  const kept = window.__a11yKept;
  const finish = () => {
    letGoOfFocus();
    if (kept) window.scrollTo(kept.scroll[0], kept.scroll[1]);
    pageKept(done, scripted);
  };
  if (kept && window.location.href !== kept.href) {
    const arrived = once(() => setTimeout(finish, 0));
    window.addEventListener('popstate', arrived, { once: true });
    setTimeout(arrived, 500);
    window.history.back();
  } else {
    finish();
  }
};

// WCAG 1.4.4 and 1.4.12: text that is cut off by its box, or drawn over other text (at most
// 20 of them).
const textFits = () => {
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
};
