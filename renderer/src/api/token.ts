/**
 * The control token arrives once, in the ready URL (`/?token=…`). It is kept in
 * sessionStorage (this tab only, gone with it) and removed from the address bar so it
 * does not end up in the history, a screenshot or a shared link.
 */
const STORAGE_KEY = 'mailscope.token';

export function takeToken(location: Location, history: History, storage: Storage): string | undefined {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    storage.setItem(STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  return storage.getItem(STORAGE_KEY) ?? undefined;
}
