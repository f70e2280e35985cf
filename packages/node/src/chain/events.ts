/**
 * Events as a tx result carries them (CometBFT 0.38 / SDK 0.50 style: plain-string keys and
 * values), and the helpers that make them.
 */
export interface Attribute { key: string; value: string; index: boolean }
export interface Event { type: string; attributes: Attribute[] }

export function event(type: string, ...pairs: [string, string][]): Event {
  return { type, attributes: pairs.map(([key, value]) => ({ key, value, index: true })) };
}

/** Adds `msg_index` to every event a message produced (what secretjs groups logs by). */
export function withMsgIndex(events: Event[], i: number): Event[] {
  return events.map((e) => ({ type: e.type, attributes: [...e.attributes, { key: 'msg_index', value: String(i), index: true }] }));
}
