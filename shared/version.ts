// Replaced at build time by esbuild's define; "dev" when run from source (tests).
declare const __KK_VERSION__: string | undefined;
export const KK_VERSION: string = typeof __KK_VERSION__ === 'string' ? __KK_VERSION__ : 'dev';
