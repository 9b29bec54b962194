// The page put back after key presses: the address it was loaded at (a followed link's
// fragment undone by going back, and with it :target), focus let go and the next Tab's start
// at the top, the scroll; then whether the page is as it was kept. arguments[0]: whether the
// page can run script of its own.
const [scripted, done] = arguments;
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
