/**
 * A tiny external store (in the spirit of tldraw's and zustand's): state is one
 * immutable value, `set` replaces it, components read slices with `useSelector`
 * (useSyncExternalStore), so a component re-renders only when its slice changes.
 */
import { createContext, useCallback, useContext, useRef, useSyncExternalStore, type Context } from 'react';

export interface Store<T> {
  get(): T;
  set(update: (state: T) => T): void;
  subscribe(listener: () => void): () => void;
}

export function createStore<T>(initial: T): Store<T> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set(update) {
      const next = update(state);
      if (Object.is(next, state)) return;
      state = next;
      for (const listener of [...listeners]) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * Reads a slice. `equal` decides whether a new slice is "the same" (default: identity),
 * so selectors that build a fresh array or object can still avoid a re-render.
 */
export function useStoreSelector<T, S>(
  store: Store<T>,
  selector: (state: T) => S,
  equal: (a: S, b: S) => boolean = Object.is,
): S {
  const last = useRef<{ state: T; selector: (state: T) => S; slice: S } | undefined>(undefined);
  const getSlice = useCallback(() => {
    const state = store.get();
    const cached = last.current;
    if (cached && cached.state === state && cached.selector === selector) return cached.slice;
    const slice = selector(state);
    // An equal slice keeps the old identity: that is what spares the re-render.
    const kept = cached && equal(cached.slice, slice) ? cached.slice : slice;
    last.current = { state, selector, slice: kept };
    return kept;
  }, [store, selector, equal]);
  return useSyncExternalStore(store.subscribe, getSlice, getSlice);
}

export function shallowEqualArrays<T>(a: readonly T[], b: readonly T[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export function shallowEqualObjects<T extends object>(a: T, b: T): boolean {
  if (a === b) return true;
  const ka = Object.keys(a) as Array<keyof T>;
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.is(a[k], b[k]));
}

/** Makes a context that must be provided (a missing provider is a bug, said loudly). */
export function requiredContext<T>(name: string): [Context<T | undefined>, () => T] {
  const context = createContext<T | undefined>(undefined);
  const use = () => {
    const value = useContext(context);
    if (value === undefined) throw new Error(`${name} is used outside its provider`);
    return value;
  };
  return [context, use];
}
