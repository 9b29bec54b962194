return cssPath(arguments[0]);
