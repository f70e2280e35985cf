// Result JSON per generation. 1.x (spec/cosmwasm-abi.md §4.5): `{"ok":Response}` / `{"error":"<text>"}`,
// query `{"ok":"<base64>"}`. 0.10 (§3.5): `{"Ok":…}` / `{"Err":StdError}`, init without `data`,
// handle with `data`, query `{"Ok":"<base64>"}`. Each builder returns a Region pointer ready to be
// returned from an entry point.

import { Bytes, Buf } from "./bytes";
import { base64Encode } from "./base64";
import { jsonString, jsonStringLit } from "./json";
import { regionOf } from "./region";

/** An attribute list (`attributes` in 1.x, `log` in 0.10). */
export class Attrs {
  keys: Array<Bytes> = new Array<Bytes>();
  values: Array<Bytes> = new Array<Bytes>();

  add(key: string, value: Bytes): Attrs {
    this.keys.push(Bytes.of(key));
    this.values.push(value);
    return this;
  }

  addStr(key: string, value: string): Attrs {
    return this.add(key, Bytes.of(value));
  }

  addI64(key: string, value: i64): Attrs {
    return this.add(key, new Buf(24).i64(value).bytes());
  }

  write(out: Buf): void {
    out.byte(91);
    for (let i = 0; i < this.keys.length; i++) {
      if (i > 0) out.byte(44);
      out.str("{\"key\":");
      jsonString(out, this.keys[i]);
      out.str(",\"value\":");
      jsonString(out, this.values[i]);
      out.byte(125);
    }
    out.byte(93);
  }
}

function done(out: Buf): usize {
  return regionOf(out.bytes());
}

// ---------------------------------------------------------------- 1.x

/** `{"ok":{"messages":[],"attributes":[…],"events":[],"data":<b64|null>}}` */
export function okResponseV1(attrs: Attrs, data: Bytes | null = null): usize {
  const out = new Buf(128);
  out.str("{\"ok\":{\"messages\":[],\"attributes\":");
  attrs.write(out);
  out.str(",\"events\":[],\"data\":");
  if (data == null) out.str("null");
  else { out.byte(34); base64Encode(out, data); out.byte(34); }
  out.str("}}");
  return done(out);
}

/** `{"ok":"<base64 of json>"}` */
export function okQueryV1(json: Bytes): usize {
  const out = new Buf(json.len * 2 + 16);
  out.str("{\"ok\":\"");
  base64Encode(out, json);
  out.str("\"}");
  return done(out);
}

/** `{"error":"<message>"}` */
export function errorV1(message: Bytes): usize {
  const out = new Buf(message.len + 16);
  out.str("{\"error\":");
  jsonString(out, message);
  out.byte(125);
  return done(out);
}

export function errorV1Str(message: string): usize {
  return errorV1(Bytes.of(message));
}

// ---------------------------------------------------------------- 0.10

/** init: `{"Ok":{"messages":[],"log":[…]}}` */
export function okInitV010(log: Attrs): usize {
  const out = new Buf(128);
  out.str("{\"Ok\":{\"messages\":[],\"log\":");
  log.write(out);
  out.str("}}");
  return done(out);
}

/** handle/migrate: `{"Ok":{"messages":[],"log":[…],"data":<b64|null>}}` */
export function okHandleV010(log: Attrs, data: Bytes | null = null): usize {
  const out = new Buf(128);
  out.str("{\"Ok\":{\"messages\":[],\"log\":");
  log.write(out);
  out.str(",\"data\":");
  if (data == null) out.str("null");
  else { out.byte(34); base64Encode(out, data); out.byte(34); }
  out.str("}}");
  return done(out);
}

/** query: `{"Ok":"<base64 of json>"}` */
export function okQueryV010(json: Bytes): usize {
  const out = new Buf(json.len * 2 + 16);
  out.str("{\"Ok\":\"");
  base64Encode(out, json);
  out.str("\"}");
  return done(out);
}

/** `{"Err":<std_error json>}` where the StdError JSON is given verbatim. */
export function errV010(stdErrorJson: Bytes): usize {
  const out = new Buf(stdErrorJson.len + 16);
  out.str("{\"Err\":");
  out.append(stdErrorJson);
  out.byte(125);
  return done(out);
}

/** `{"Err":{"generic_err":{"msg":"…"}}}` */
export function genericErrV010(msg: Bytes): usize {
  const e = new Buf(msg.len + 32);
  e.str("{\"generic_err\":{\"msg\":");
  jsonString(e, msg);
  e.str("}}");
  return errV010(e.bytes());
}

/** `{"Err":{"parse_err":{"target":"…","msg":"…"}}}` */
export function parseErrV010(target: string, msg: Bytes): usize {
  const e = new Buf(msg.len + 64);
  e.str("{\"parse_err\":{\"target\":");
  jsonStringLit(e, target);
  e.str(",\"msg\":");
  jsonString(e, msg);
  e.str("}}");
  return errV010(e.bytes());
}

/** `{"Err":{"unauthorized":{}}}` */
export function unauthorizedV010(): usize {
  return errV010(Bytes.of("{\"unauthorized\":{}}"));
}

/** `{"Err":{"not_found":{"kind":"…"}}}` */
export function notFoundV010(kind: string): usize {
  const e = new Buf(64);
  e.str("{\"not_found\":{\"kind\":");
  jsonStringLit(e, kind);
  e.str("}}");
  return errV010(e.bytes());
}

/**
 * The general 1.x Response: `{"ok":{"messages":<messages>,"attributes":<attributes>,"events":<events>,
 * "data":<b64|null>}}` with the three lists given as JSON text (e.g. SubMsgs built by the contract).
 */
export function okResponseV1Raw(messages: Bytes, attributes: Bytes, events: Bytes, data: Bytes | null): usize {
  const out = new Buf(messages.len + attributes.len + events.len + (data == null ? 0 : data.len * 2) + 64);
  out.str("{\"ok\":{\"messages\":").append(messages);
  out.str(",\"attributes\":").append(attributes);
  out.str(",\"events\":").append(events);
  out.str(",\"data\":");
  if (data == null) out.str("null");
  else { out.byte(34); base64Encode(out, data); out.byte(34); }
  out.str("}}");
  return done(out);
}

/** An attribute list as JSON text (for okResponseV1Raw). */
export function attrsJson(attrs: Attrs): Bytes {
  const out = new Buf(64);
  attrs.write(out);
  return out.bytes();
}
