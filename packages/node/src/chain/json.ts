/**
 * JSON as the node reads a contract's response: like JSON.parse, except that integers outside
 * JavaScript's safe range stay exact as bigints (a contract's u64 sub-message id or gas limit may be
 * up to 2^64 − 1, and JSON.parse would round it), and nesting is bounded. The enclave has already
 * checked the response's shape; this only has to read it without losing digits.
 */
export type Json = null | boolean | number | bigint | string | Json[] | { [key: string]: Json };

/** Deeper nesting than this is refused (the VM's own JSON limits are far below it). */
export const MAX_JSON_DEPTH = 256;

export class JsonError extends Error {
  override readonly name = 'JsonError';
}

export function parseExact(text: string): Json {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonError(`invalid JSON at character ${i}: ${what}`);
  };
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  };
  const value = (depth: number): Json => {
    if (depth > MAX_JSON_DEPTH) fail(`nested deeper than ${MAX_JSON_DEPTH}`);
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const o: { [key: string]: Json } = {};
      ws();
      if (text[i] === '}') {
        i++;
        return o;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected a key');
        const k = string();
        ws();
        if (text[i++] !== ':') fail('expected ":"');
        Object.defineProperty(o, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== '}') fail('expected "," or "}"');
        return o;
      }
    }
    if (c === '[') {
      i++;
      const a: Json[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return a;
      }
      for (;;) {
        a.push(value(depth + 1));
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i++] !== ']') fail('expected "," or "]"');
        return a;
      }
    }
    if (c === '"') return string();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 400));
    if (m === null) fail('expected a value');
    const lit = (m as RegExpExecArray)[0];
    i += lit.length;
    if ((m as RegExpExecArray)[2] === undefined && (m as RegExpExecArray)[3] === undefined) {
      const n = Number(lit);
      return Number.isSafeInteger(n) ? n : BigInt(lit);
    }
    return Number(lit);
  };
  const string = (): string => {
    // From the opening quote to the closing one, escapes included; JSON.parse decodes it.
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail('unterminated string');
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return fail('bad string');
    }
  };
  const v = value(0);
  ws();
  if (i !== text.length) fail('trailing characters');
  return v;
}

/** A u64 from JSON (a number, an exact bigint, or a decimal string), or undefined if it is not one. */
export function u64(v: Json | undefined): bigint | undefined {
  let n: bigint;
  if (typeof v === 'bigint') n = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
  else if (typeof v === 'string' && /^[0-9]{1,20}$/.test(v)) n = BigInt(v);
  else return undefined;
  return n >= 0n && n <= 0xffff_ffff_ffff_ffffn ? n : undefined;
}
