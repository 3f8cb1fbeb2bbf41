import type { BerElement } from './ber.js';
import { escapeFilterValue } from './filter-escape.js';
import type { FilterNode } from './filter.js';

/**
 * A filter the directory client sends, in its two forms: BER on the wire (RFC 4511
 * §4.5.1.7) and the string form of RFC 4515 for the trace. Values go into BER as they
 * are, so no escaping is needed there and none can be got wrong; the string form
 * escapes them.
 */
export function filterElement(node: FilterNode): BerElement {
  switch (node.type) {
    case 'and':
    case 'or':
      return { tag: node.type === 'and' ? 0xa0 : 0xa1, children: node.clauses.map(filterElement) };
    case 'not':
      return { tag: 0xa2, children: [filterElement(node.clause)] };
    case 'equality':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approx':
      return {
        tag: ASSERTION_TAGS[node.type],
        children: [
          { tag: 0x04, text: node.attribute },
          { tag: 0x04, text: node.value },
        ],
      };
    case 'present':
      return { tag: 0x87, text: node.attribute };
    case 'substrings': {
      const parts: BerElement[] = [];
      if (node.initial !== undefined) parts.push({ tag: 0x80, text: node.initial });
      for (const any of node.any) parts.push({ tag: 0x81, text: any });
      if (node.final !== undefined) parts.push({ tag: 0x82, text: node.final });
      return {
        tag: 0xa4,
        children: [
          { tag: 0x04, text: node.attribute },
          { tag: 0x30, children: parts },
        ],
      };
    }
    case 'unsupported':
      throw new Error(`cannot send the filter ${node.description}`);
  }
}

const ASSERTION_TAGS = { equality: 0xa3, greaterOrEqual: 0xa5, lessOrEqual: 0xa6, approx: 0xa8 } as const;
const OPERATORS = { equality: '=', greaterOrEqual: '>=', lessOrEqual: '<=', approx: '~=' } as const;

export function filterText(node: FilterNode): string {
  switch (node.type) {
    case 'and':
    case 'or':
      return `(${node.type === 'and' ? '&' : '|'}${node.clauses.map(filterText).join('')})`;
    case 'not':
      return `(!${filterText(node.clause)})`;
    case 'equality':
    case 'greaterOrEqual':
    case 'lessOrEqual':
    case 'approx':
      return `(${node.attribute}${OPERATORS[node.type]}${escapeFilterValue(node.value)})`;
    case 'present':
      return `(${node.attribute}=*)`;
    case 'substrings': {
      const pieces = [node.initial ?? '', ...node.any, node.final ?? ''].map(escapeFilterValue);
      return `(${node.attribute}=${pieces.join('*')})`;
    }
    case 'unsupported':
      return node.description;
  }
}

/** `(attribute=value)` */
export function equals(attribute: string, value: string): FilterNode {
  return { type: 'equality', attribute, value };
}
