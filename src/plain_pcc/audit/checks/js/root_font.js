return parseFloat(getComputedStyle(document.documentElement).fontSize);
