return window.__a11yKeyboardLog;
