/** The keyboard shortcuts: one table for the key handler and the help overlay (pure). */

export type ShortcutCommand = 'toggle-pause' | 'step-clock' | 'follow' | 'presenter' | 'help' | 'theme' | 'close';

export const SHORTCUTS: ReadonlyArray<{ key: string; label: string; command: ShortcutCommand; help: string }> = [
  { key: ' ', label: 'space', command: 'toggle-pause', help: 'play / pause the animation' },
  { key: 'ArrowRight', label: '→', command: 'step-clock', help: 'step the world clock: to the next retry, or 1 min' },
  { key: 'f', label: 'f', command: 'follow', help: 'follow the newest message (again: stop following)' },
  { key: 'p', label: 'p', command: 'presenter', help: 'presenter mode: large type, high contrast' },
  { key: 't', label: 't', command: 'theme', help: 'light / dark theme' },
  { key: '?', label: '?', command: 'help', help: 'this help' },
  { key: 'Escape', label: 'Esc', command: 'close', help: 'close this help' },
];

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  /** The focused element's tag name and type, to leave typing alone. */
  targetTag?: string;
  targetType?: string;
  targetEditable?: boolean;
}

const TYPING_INPUTS = new Set([
  'text',
  'search',
  'email',
  'number',
  'password',
  'url',
  'tel',
  'date',
  'time',
  'datetime-local',
  'month',
  'week',
  '',
]);

/** True while the user types somewhere: a shortcut must not steal the key. */
export function isTyping(k: KeyLike): boolean {
  if (k.targetEditable) return true;
  const tag = (k.targetTag ?? '').toUpperCase();
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  return tag === 'INPUT' && TYPING_INPUTS.has((k.targetType ?? '').toLowerCase());
}

export function shortcutFor(k: KeyLike): ShortcutCommand | undefined {
  if (k.ctrlKey || k.metaKey || k.altKey || isTyping(k)) return undefined;
  const key = k.key.length === 1 && k.key !== ' ' ? k.key.toLowerCase() : k.key;
  return SHORTCUTS.find((s) => s.key === key)?.command;
}
