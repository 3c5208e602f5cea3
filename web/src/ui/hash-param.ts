import { parseHash } from "../views/router.js";

/**
 * Calls `onChange` when one query parameter of the hash route changes (the router keeps the
 * view when only the query changes, so a view with tabs follows its own parameter).
 */
export function watchHashParam(name: string, onChange: (value: string | null) => void): () => void {
  let last = parseHash(window.location.hash).params.get(name);
  const listener = () => {
    const value = parseHash(window.location.hash).params.get(name);
    if (value === last) return;
    last = value;
    onChange(value);
  };
  window.addEventListener("hashchange", listener);
  return () => window.removeEventListener("hashchange", listener);
}

/** Records a view's selection in the hash query ("" removes it) without a history entry per click. */
export function setHashParam(name: string, value: string): void {
  const { path, params } = parseHash(window.location.hash);
  if (value === "") params.delete(name);
  else params.set(name, value);
  const query = params.toString();
  window.history.replaceState(null, "", `#${path}${query ? `?${query}` : ""}`);
}
