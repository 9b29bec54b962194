// Shared by every check script: prepended, so these are locals of the script's function.
const TARGETS = [
  'a[href]', 'area[href]', 'button', 'input:not([type="hidden"])', 'select', 'textarea',
  'summary', '[role="button"]', '[role="link"]', '[role="checkbox"]', '[role="radio"]',
  '[role="switch"]', '[role="tab"]', '[role="menuitem"]', '[tabindex]:not([tabindex="-1"])',
].join(', ');

// A selector that finds this element again: the nearest unique id, then child steps.
const cssPath = (el) => {
  if (!(el instanceof Element)) return 'document';
  const parts = [];
  for (let node = el; node && node !== document.documentElement; node = node.parentElement) {
    if (node.id && document.querySelectorAll('#' + CSS.escape(node.id)).length === 1) {
      parts.unshift('#' + CSS.escape(node.id));
      return parts.join(' > ');
    }
    let part = node.localName;
    const parent = node.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.localName === node.localName);
      if (same.length > 1) part += `:nth-of-type(${same.indexOf(node) + 1})`;
    }
    parts.unshift(part);
  }
  parts.unshift('html');
  return parts.join(' > ');
};

const isRendered = (el) => el.checkVisibility({ visibilityProperty: true, opacityProperty: true })
  && el.getClientRects().length > 0;

// The "visually hidden" pattern (1 px box, clipped) keeps text for screen readers only: it is
// meant to be invisible, so clipping it is no loss of content.
const isVisuallyHidden = (el) => {
  for (let node = el; node && node !== document.body; node = node.parentElement) {
    const r = node.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) {
      const s = getComputedStyle(node);
      if (s.overflow !== 'visible' || s.clip !== 'auto' || s.clipPath !== 'none') return true;
    }
  }
  return false;
};

const interactive = () => Array.from(document.querySelectorAll(TARGETS)).filter(
  (el) => !el.disabled && !el.closest('[inert]') && isRendered(el),
);

const describeEl = (el) => {
  const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
  return `<${el.localName}>` + (text ? ` "${text.slice(0, 40)}"` : '');
};
