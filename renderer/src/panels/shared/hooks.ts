/** Hooks the panels share: loading from the control API, and the world clock ticking. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiClient } from '../../api/client.js';
import { useAppState, useServices } from '../../app/services.js';
import { estimateWorldNow } from '../../state/app-state.js';

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload(): void;
}

/**
 * Calls `load(api)` when `key` changes (and on reload()). A slower older answer never
 * overwrites a newer one; the last good data stays shown while a reload runs or fails.
 */
export function useLoad<T>(load: (api: ApiClient) => Promise<T>, key: string): Loaded<T> {
  const { api } = useServices();
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({ loading: true });
  const [epoch, setEpoch] = useState(0);
  const latest = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    if (!api) return;
    const ticket = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    loadRef.current(api).then(
      (data) => ticket === latest.current && setState({ data, loading: false }),
      (err: unknown) =>
        ticket === latest.current && setState((s) => ({ data: s.data, error: errorText(err), loading: false })),
    );
  }, [api, key, epoch]);
  const reload = useCallback(() => setEpoch((e) => e + 1), []);
  return { ...state, reload };
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The world clock's now, re-read every `everyMs` (estimated between clock reports). */
export function useWorldNow(everyMs = 1000): number {
  const clock = useAppState((s) => s.clock);
  const foldNow = useAppState((s) => s.fold.worldNow);
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => tick((t) => t + 1), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return estimateWorldNow(clock, foldNow, Date.now());
}

/** Runs an API action with a busy flag and the error as text (for buttons). */
export function useAction(): {
  busy: boolean;
  error?: string;
  run<T>(action: (api: ApiClient) => Promise<T>): Promise<T | undefined>;
  clearError(): void;
} {
  const { api } = useServices();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const run = useCallback(
    async <T>(action: (api: ApiClient) => Promise<T>): Promise<T | undefined> => {
      if (!api) return undefined;
      setBusy(true);
      setError(undefined);
      try {
        return await action(api);
      } catch (err) {
        setError(errorText(err));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [api],
  );
  return { busy, error, run, clearError: useCallback(() => setError(undefined), []) };
}
