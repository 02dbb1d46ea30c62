/**
 * Caches across frames for the pure text functions ink calls on every frame.
 *
 * ink draws each frame from scratch: for every line on screen it measures the width
 * (string-width, which segments graphemes as soon as a line holds one non-ASCII character such
 * as → or █) and splits the ANSI-styled text into styled characters (@alcalzone/ansi-tokenize).
 * Its own caches live for one frame only, yet most lines of the live view are the same from one
 * frame to the next. The UI bundle (scripts/bundle-ui.mjs) routes ink's imports of those
 * functions through these wrappers, so a line that did not change is measured and tokenized
 * once instead of four times a second. The functions are pure, so the results are identical.
 */

/** Entries a string cache holds before it starts over (a full screen is ~40 lines of ~60 chars). */
export const STRING_CACHE_LIMIT = 4096;

/**
 * `fn` for one string argument, remembering up to `limit` results. When full the cache starts
 * over: what the screen shows now is measured again on the next frame, and stale lines go.
 */
export function cacheByString<R>(
  fn: (text: string) => R,
  limit = STRING_CACHE_LIMIT,
): (text: string) => R {
  let cache = new Map<string, R>();
  return (text) => {
    let hit = cache.get(text);
    if (hit === undefined && !cache.has(text)) {
      hit = fn(text);
      if (cache.size >= limit) cache = new Map();
      cache.set(text, hit);
    }
    return hit as R;
  };
}

/** `fn` for one object argument, remembering the result as long as the argument lives. */
export function cacheByObject<K extends object, R>(fn: (key: K) => R): (key: K) => R {
  const cache = new WeakMap<K, R>();
  return (key) => {
    if (cache.has(key)) return cache.get(key) as R;
    const result = fn(key);
    cache.set(key, result);
    return result;
  };
}

/**
 * string-width with a cache for the common call (one string, default options); calls with
 * options go straight to `stringWidth`.
 */
export function cachedStringWidth<O>(
  stringWidth: (text: string, options?: O) => number,
  limit = STRING_CACHE_LIMIT,
): (text: string, options?: O) => number {
  const cached = cacheByString((text) => stringWidth(text), limit);
  return (text, options) =>
    options === undefined && typeof text === 'string' ? cached(text) : stringWidth(text, options);
}

/** An ANSI code as @alcalzone/ansi-tokenize represents it (start code and the code ending it). */
export interface AnsiCode {
  code: string;
  endCode: string;
}

export interface StyledChar<C extends AnsiCode = AnsiCode> {
  value: string;
  styles: C[];
}

function sameCodes(a: readonly AnsiCode[], b: readonly AnsiCode[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i]!.code !== b[i]!.code || a[i]!.endCode !== b[i]!.endCode) return false;
  }
  return true;
}

/**
 * ansi-tokenize's styledCharsToString (one row of ink's screen back to a string), asking
 * `diffAnsiCodes` only where the style changes. The library diffs every pair of neighbours and
 * most neighbours share their style; for those the diff is empty, so the string is the same.
 */
export function fastStyledCharsToString<C extends AnsiCode>(
  diffAnsiCodes: (from: C[], to: C[]) => C[],
  ansiCodesToString: (codes: C[]) => string,
): (chars: StyledChar<C>[]) => string {
  const toString = (codes: C[]) => (codes.length === 0 ? '' : ansiCodesToString(codes));
  return (chars) => {
    let ret = '';
    for (let i = 0; i < chars.length; i++) {
      const char = chars[i]!;
      if (i === 0) ret += toString(char.styles);
      else {
        const prev = chars[i - 1]!.styles;
        if (!sameCodes(prev, char.styles)) ret += toString(diffAnsiCodes(prev, char.styles));
      }
      ret += char.value;
      // reset active styles at the end of the string
      if (i === chars.length - 1 && char.styles.length > 0)
        ret += toString(diffAnsiCodes(char.styles, []));
    }
    return ret;
  };
}
