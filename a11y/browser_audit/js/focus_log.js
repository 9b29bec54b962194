return window.__a11yFocusLog;
