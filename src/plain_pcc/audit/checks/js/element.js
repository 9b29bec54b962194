return { selector: cssPath(arguments[0]), snippet: snippet(arguments[0]) };
