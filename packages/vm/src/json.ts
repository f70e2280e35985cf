/**
 * JSON for contract messages and results, with integers kept exact: a number that is an integer
 * outside ±(2^53 − 1) parses as a bigint and prints back digit for digit (issue 4: "u64 values in
 * JSON stay exact, no float round trip"; JSON.parse would round 18446744073709551615). Parsing is
 * strict RFC 8259 (what serde accepts): one value, no trailing commas, no comments, and a duplicate
 * key is an error (serde refuses one too). Errors name the byte offset.
 */

export type JsonValue = null | boolean | number | bigint | string | JsonValue[] | { [key: string]: JsonValue };

export class JsonError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at byte ${offset}`);
    this.name = 'JsonError';
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Offset of the first byte that does not start or continue a valid UTF-8 sequence. */
function invalidUtf8At(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    // Sequence length and the allowed range of the second byte (no overlongs, surrogates, > U+10FFFF).
    let n: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) n = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      n = 3;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      n = 4;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k < n; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += n;
  }
  return -1;
}

/** Parses UTF-8 bytes (invalid UTF-8 is a JsonError at the offending sequence) or a string. */
export function parseJson(input: Uint8Array | string): JsonValue {
  let text: string;
  if (typeof input === 'string') text = input;
  else {
    try {
      text = decoder.decode(input);
    } catch {
      throw new JsonError('invalid UTF-8', Math.max(0, invalidUtf8At(input)));
    }
  }
  const p = new Parser(text);
  p.ws();
  const v = p.value(0);
  p.ws();
  if (p.i < text.length) throw p.err('unexpected data after the JSON value');
  return v;
}

/** Nesting deeper than this is refused (serde's default recursion limit is 128). */
const MAX_DEPTH = 128;

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  err(message: string): JsonError {
    // Report a byte offset: the UTF-8 length of the text before the position.
    return new JsonError(message, Buffer.byteLength(this.s.slice(0, this.i), 'utf8'));
  }

  ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) throw this.err(`nesting deeper than ${MAX_DEPTH}`);
    const c = this.s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 't':
        return this.word('true', true);
      case 'f':
        return this.word('false', false);
      case 'n':
        return this.word('null', null);
      default:
        if (c === '-' || (c >= '0' && c <= '9')) return this.number();
        throw this.err(c === undefined ? 'unexpected end of JSON' : `unexpected character ${JSON.stringify(c)}`);
    }
  }

  word<T>(w: string, v: T): T {
    if (this.s.startsWith(w, this.i)) {
      this.i += w.length;
      return v;
    }
    throw this.err(`invalid literal (expected ${w})`);
  }

  object(depth: number): { [key: string]: JsonValue } {
    const out: { [key: string]: JsonValue } = {};
    this.i++;
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') throw this.err('expected a string key');
      const keyAt = this.i;
      const k = this.string();
      if (Object.prototype.hasOwnProperty.call(out, k)) {
        this.i = keyAt;
        throw this.err(`duplicate key ${JSON.stringify(k)}`);
      }
      this.ws();
      if (this.s[this.i] !== ':') throw this.err("expected ':'");
      this.i++;
      this.ws();
      // defineProperty: a "__proto__" key is data, never the object's prototype.
      Object.defineProperty(out, k, { value: this.value(depth + 1), enumerable: true, writable: true, configurable: true });
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') {
        this.i--;
        throw this.err("expected ',' or '}'");
      }
    }
  }

  array(depth: number): JsonValue[] {
    const out: JsonValue[] = [];
    this.i++;
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') {
        this.i--;
        throw this.err("expected ',' or ']'");
      }
    }
  }

  string(): string {
    const s = this.s;
    this.i++;
    let out = '';
    let from = this.i;
    for (;;) {
      if (this.i >= s.length) throw this.err('unterminated string');
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(from, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) throw this.err('control character in string');
      if (c !== 0x5c) {
        this.i++;
        continue;
      }
      out += s.slice(from, this.i);
      const e = s[this.i + 1];
      this.i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const h = s.slice(this.i, this.i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) throw this.err('invalid \\u escape');
          out += String.fromCharCode(parseInt(h, 16));
          this.i += 4;
          break;
        }
        default:
          this.i -= 2;
          throw this.err('invalid escape');
      }
      from = this.i;
    }
  }

  number(): number | bigint {
    const m = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (m === null || m[0] === '-') throw this.err('invalid number');
    const text = m[0];
    if (m[2] === undefined && m[3] === undefined) {
      this.i += text.length;
      const n = Number(text);
      return Number.isSafeInteger(n) ? n : BigInt(text);
    }
    const n = Number(text);
    // Beyond the double range (1e999) there is no value to give back, and none to write out again.
    if (!Number.isFinite(n)) throw this.err(`number ${text.length > 24 ? `${text.slice(0, 24)}…` : text} is out of range`);
    this.i += text.length;
    return n;
  }
}

/** Serialises like JSON.stringify without spaces, bigints as their digits. */
export function stringifyJson(v: JsonValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(v)) throw new TypeError(`cannot write ${v} as JSON`);
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'string':
      return JSON.stringify(v);
  }
  if (Array.isArray(v)) return `[${v.map(stringifyJson).join(',')}]`;
  return `{${Object.keys(v).map((k) => `${JSON.stringify(k)}:${stringifyJson(v[k])}`).join(',')}}`;
}
