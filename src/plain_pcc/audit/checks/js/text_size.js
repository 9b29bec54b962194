// With the browser's text size at 200%: the root font size, the size of "medium" text read from
// a probe the page's styles cannot reach (proof the setting reached the page), and text that
// no longer fits.
const probe = document.createElement('span');
probe.style.setProperty('font-size', 'medium', 'important');
document.documentElement.appendChild(probe);
const medium = parseFloat(getComputedStyle(probe).fontSize);
probe.remove();
return {
  root: parseFloat(getComputedStyle(document.documentElement).fontSize),
  medium,
  fits: textFits(),
};
