/** The four middlewares that mark an attempt's identity wait and signing, and the sample they fill. */
export { identityEndMiddleware, identityStartMiddleware, signEndMiddleware, signStartMiddleware, signTraceMiddlewareOptions } from "./signTraceMiddleware.js";
export type { SignTraceSample } from "./signTraceSample.js";
