// Used by scripts/bundle-fast.mjs: the fast path never prints help (it leaves --help to the
// full CLI), so its bundle drops each command's `static usage = Command.Usage(...)`, which
// is most of its bytes, and Node reads and compiles the bundle on every call a script makes.

const MARKER = 'static usage = Command.Usage(';

/** Removes every `static usage = Command.Usage(…);` from a compiled command module; throws on text it cannot follow. */
export function stripUsage(text, path) {
  let out = text;
  for (let start = out.indexOf(MARKER); start !== -1; start = out.indexOf(MARKER, start)) {
    let i = start + MARKER.length;
    for (let depth = 1; depth > 0; i++) {
      if (i >= out.length) throw new Error(`strip-usage: ${path}: no end to Command.Usage(`);
      const c = out[i];
      if (c === '"' || c === "'") i = skipString(out, i, path);
      else if (c === '`') i = skipTemplate(out, i, path);
      else if (c === '/' && (out[i + 1] === '/' || out[i + 1] === '*')) throw new Error(`strip-usage: ${path}: a comment inside Command.Usage(`);
      else if (c === '(' || c === '{' || c === '[') depth++;
      else if (c === ')' || c === '}' || c === ']') depth--;
    }
    if (out[i] === ';') i++;
    out = out.slice(0, start) + out.slice(i);
  }
  return out;
}

/** From an opening quote, the index of its closing quote. */
function skipString(text, open, path) {
  for (let i = open + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === text[open]) return i;
    else if (text[i] === '\n') break;
  }
  throw new Error(`strip-usage: ${path}: unterminated string`);
}

/** From an opening backtick, the index of its closing backtick, through `${…}` (which may hold strings and templates). */
function skipTemplate(text, open, path) {
  for (let i = open + 1; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') i++;
    else if (c === '`') return i;
    else if (c === '$' && text[i + 1] === '{') {
      let depth = 1;
      for (i += 2; depth > 0; i++) {
        if (i >= text.length) break;
        const d = text[i];
        if (d === '"' || d === "'") i = skipString(text, i, path);
        else if (d === '`') i = skipTemplate(text, i, path);
        else if (d === '{') depth++;
        else if (d === '}') depth--;
      }
      i--;
    }
  }
  throw new Error(`strip-usage: ${path}: unterminated template literal`);
}
