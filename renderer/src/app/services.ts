/**
 * What every component can reach: the store (with its memoized selectors), the API
 * client and the animation clock. Provided once by <App>; read with the hooks below.
 */
import type { ApiClient } from '../api/client.js';
import type { AnimationClock } from '../state/anim-clock.js';
import type { AppState, AppStore } from '../state/app-state.js';
import type { Selectors } from '../state/selectors.js';
import { requiredContext, useStoreSelector } from '../state/store.js';

export interface AppServices {
  store: AppStore;
  selectors: Selectors;
  clock: AnimationClock;
  /** Absent only in a page without a token (it shows how to get one). */
  api?: ApiClient;
}

export const [ServicesContext, useServices] = requiredContext<AppServices>('ServicesContext');

/** Reads a slice of the app state; re-renders only when it changes (per `equal`). */
export function useAppState<S>(selector: (state: AppState) => S, equal?: (a: S, b: S) => boolean): S {
  return useStoreSelector(useServices().store, selector, equal);
}
