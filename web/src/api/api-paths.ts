import type { paths } from "./generated/openapi.js";

/**
 * Every path the server documents, with `{param}` segments widened to any text, so a call
 * such as `/api/v1/incidents/${id}` type-checks and a path the server doesn't have (or no
 * longer has) fails the web build. Generated from docs/api/openapi.json by `npm run openapi`.
 */
type Widen<P extends string> = P extends `${infer Head}{${string}}${infer Tail}` ? `${Head}${string}${Widen<Tail>}` : P;

export type ApiPath = Widen<keyof paths & string>;
